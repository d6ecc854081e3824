// The online assessment of the latest version of a micro-credential, for its editors
// (/microcredentials/{id}/assessment/edit): the rules and the question bank. The API lets editors
// change them only while the version is a draft or has changes requested. Otherwise the page shows
// them read-only, with the steps to get an editable version.
import { useEffect, useRef, useState } from 'preact/hooks';
import { del, get } from '../api.js';
import { errorMessage } from '../errors.js';
import { t } from '../i18n/index.js';
import { Link } from '../router.jsx';
import { Alert, ErrorAlert, Facts, Loading } from '../components/common.jsx';
import { AssessmentRulesForm } from '../components/AssessmentRulesForm.jsx';
import { Page } from '../components/Page.jsx';
import { QuestionBank } from '../components/QuestionBank.jsx';
import { QuestionForm } from '../components/QuestionForm.jsx';
import { RoleGuard } from '../components/RoleGuard.jsx';
import { fetchVersionAssessment, rulesRows } from '../components/VersionAssessment.jsx';

/** Loads the latest version of micro-credential `id` and its assessment. */
async function loadLatest(id) {
  const base = `/api/v1/microcredentials/${encodeURIComponent(id)}`;
  const list = await get(`${base}/versions`);
  const latest = list.items[list.items.length - 1];
  const [version, assessment] = await Promise.all([
    get(`${base}/versions/${encodeURIComponent(latest.version)}`),
    fetchVersionAssessment(id, latest.version),
  ]);
  return { version, assessment };
}

/** Returns why the assessment of a version in `status` cannot change, and what to do instead. */
function readOnlyReason(status) {
  if (status === 'published') return t('assessmentEditor.readOnly.published');
  if (status === 'submitted' || status === 'in_review' || status === 'approved') return t('assessmentEditor.readOnly.inValidation');
  return t('assessmentEditor.readOnly.closed');
}

function ReadOnlyNotice({ id, status }) {
  return (
    <div class="alert alert--info assessment-editor__locked" role="status">
      <p>{t('assessmentEditor.readOnly.lead', { status: t(`versionStatus.${status}`) })}</p>
      <p>{readOnlyReason(status)}</p>
      {status === 'published' ? (
        <p><Link href={`/microcredentials/${encodeURIComponent(id)}/edit`}>{t('assessmentEditor.readOnly.newVersionLink')}</Link></p>
      ) : null}
    </div>
  );
}

function AssessmentEditorLoaded({ id }) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const [round, setRound] = useState(0);
  // null: no form open; 'new': adding a question; otherwise the question being replaced.
  const [editing, setEditing] = useState(null);
  const [notice, setNotice] = useState(null);
  const [failure, setFailure] = useState(null);
  const addButton = useRef(null);
  // The notice of the last change, announced once the page shows the reloaded bank.
  const pendingNotice = useRef(null);

  useEffect(() => {
    let current = true;
    loadLatest(id).then(
      (data) => {
        if (!current) return;
        setState({ loading: false, data, error: null });
        setNotice(pendingNotice.current);
      },
      (error) => current && setState({ loading: false, data: null, error }),
    );
    return () => { current = false; };
  }, [id, round]);

  function reload(message) {
    pendingNotice.current = message;
    setNotice(null);
    setFailure(null);
    setRound((r) => r + 1);
  }

  function closeForm() {
    setEditing(null);
    setTimeout(() => addButton.current && addButton.current.focus(), 0);
  }

  function onQuestionSaved() {
    closeForm();
    reload(t('assessmentEditor.questionSaved'));
  }

  async function onRetire(question) {
    setNotice(null);
    try {
      await del(`/api/v1/microcredentials/${encodeURIComponent(id)}/assessment/questions/${encodeURIComponent(question.id)}`);
      reload(t('assessmentEditor.questionRetired'));
      setTimeout(() => addButton.current && addButton.current.focus(), 0);
    } catch (error) {
      setFailure(errorMessage(error));
    }
  }

  if (state.loading && !state.data) return <Loading />;
  if (state.error) return <ErrorAlert error={state.error} />;
  const { version, assessment } = state.data;
  const editable = assessment.editable;
  const outcomes = assessment.learning_outcomes || [];

  return (
    <>
      <p class="editor__status">
        {t('editor.versionStatus', { version: version.version, status: t(`versionStatus.${version.status}`) })}
        {' '}
        <Link href={`/microcredentials/${encodeURIComponent(id)}/edit`}>{t('assessmentEditor.editorLink')}</Link>
      </p>
      <p class="notice" role="status">{notice}</p>
      <div aria-live="assertive">{failure ? <Alert>{failure}</Alert> : null}</div>
      {!editable ? <ReadOnlyNotice id={id} status={version.status} /> : null}

      {editable ? (
        <AssessmentRulesForm key={`rules-${version.version}`} id={id} rules={assessment.rules} exists={assessment.exists}
          onSaved={() => reload(null)} />
      ) : (
        <section aria-labelledby="assessment-rules-heading">
          <h2 id="assessment-rules-heading">{t('assessmentRules.heading')}</h2>
          {assessment.exists ? <Facts rows={rulesRows(assessment)} /> : <p class="empty">{t('assessmentEditor.noRules')}</p>}
        </section>
      )}

      <section class="assessment-editor__bank" aria-labelledby="question-bank-heading">
        <h2 id="question-bank-heading">{t('questionBank.heading')}</h2>
        <p class="field__hint">{t('questionBank.intro')}</p>
        {editable && editing === null ? (
          <p>
            <button type="button" class="button" ref={addButton} onClick={() => { setNotice(null); setEditing('new'); }}>
              {t('questionBank.add')}
            </button>
          </p>
        ) : null}
        {editable && editing !== null ? (
          <QuestionForm key={editing === 'new' ? 'new' : editing.id} id={id} outcomes={outcomes}
            question={editing === 'new' ? null : editing} onSaved={onQuestionSaved} onCancel={closeForm} />
        ) : null}
        <QuestionBank assessment={assessment} editable={editable && editing === null}
          onEdit={(question) => { setNotice(null); setEditing(question); }} onRetire={onRetire} />
      </section>
    </>
  );
}

export function AssessmentEditor({ params, loc }) {
  const title = t('assessmentEditor.title');
  return (
    <RoleGuard loc={loc} title={title} roles={['editor', 'coordinator']}>
      {() => (
        <Page title={title} class="assessment-editor">
          <h1>{title}</h1>
          <p class="lead">{t('assessmentEditor.intro')}</p>
          <AssessmentEditorLoaded key={params.id} id={params.id} />
        </Page>
      )}
    </RoleGuard>
  );
}
