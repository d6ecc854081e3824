// Translations of the assessment questions, for the editors of a micro-credential. They act on
// the latest version, which may change only while it is a draft or has changes requested. Each
// field of a translation is optional; a learner reads the question's own text where it is empty.
import { useState } from 'preact/hooks';
import { request } from '../api.js';
import { errorMessage } from '../errors.js';
import { t } from '../i18n/index.js';
import { languageLabel } from '../format.js';
import { useApi } from '../hooks.js';
import { Alert, ErrorAlert, Loading } from './common.jsx';

/** Returns the body that replaces `question` with `translations`, keeping everything else. */
function replacementBody(question, translations) {
  const body = {
    type: question.type,
    prompt: question.prompt,
    correct: question.correct,
    outcomes: question.outcomes,
    explanation: question.explanation || null,
    translations,
  };
  if (question.type !== 'true_false') body.options = question.options;
  return body;
}

function TranslationForm({ mcId, question, language, onSaved }) {
  const existing = (question.translations || []).find((tr) => tr.language === language) || {};
  const [prompt, setPrompt] = useState(existing.prompt || '');
  const [options, setOptions] = useState(existing.options || question.options.map(() => ''));
  const [explanation, setExplanation] = useState(existing.explanation || '');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const idBase = `translation-${question.id}-${language}`;

  async function onSubmit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const filled = options.every((o) => o.trim());
    const mine = { language, prompt: prompt.trim() || null, options: filled ? options.map((o) => o.trim()) : null, explanation: explanation.trim() || null };
    const others = (question.translations || []).filter((tr) => tr.language !== language);
    try {
      await request('PUT', `/api/v1/microcredentials/${encodeURIComponent(mcId)}/assessment/questions/${question.id}`,
        replacementBody(question, [...others, mine]));
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="question-translation" onSubmit={onSubmit} noValidate>
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
      <div class="field">
        <label class="field__label" for={`${idBase}-prompt`}>{t('questionTranslations.prompt', { language: languageLabel(language) })}</label>
        <textarea id={`${idBase}-prompt`} class="field__control" rows="2" value={prompt} onInput={(e) => setPrompt(e.currentTarget.value)} />
      </div>
      {question.options.map((original, i) => (
        <div class="field" key={i}>
          <label class="field__label" for={`${idBase}-option-${i}`}>{t('questionTranslations.option', { original })}</label>
          <input id={`${idBase}-option-${i}`} class="field__control" value={options[i] || ''}
            onInput={(e) => setOptions(options.map((o, j) => (j === i ? e.currentTarget.value : o)))} />
        </div>
      ))}
      <p class="field__hint">{t('questionTranslations.optionsHint')}</p>
      <div class="field">
        <label class="field__label" for={`${idBase}-explanation`}>{t('questionTranslations.explanation')}</label>
        <textarea id={`${idBase}-explanation`} class="field__control" rows="2" value={explanation} onInput={(e) => setExplanation(e.currentTarget.value)} />
      </div>
      <button type="submit" class="button button--secondary" disabled={busy}>{t('questionTranslations.save')}</button>
    </form>
  );
}

/** Lists the questions of the latest version with a translation form for each of `languages`. */
export function QuestionTranslations({ mc, languages }) {
  const path = `/api/v1/microcredentials/${encodeURIComponent(mc.id)}/assessment/questions`;
  const { data, error, loading, reload } = useApi(path);
  const [language, setLanguage] = useState(languages[0]);
  const [saved, setSaved] = useState(false);

  if (error) return <ErrorAlert error={error} />;
  if (loading && !data) return <Loading />;
  if (!languages.length) return null;
  return (
    <section class="question-translations" aria-labelledby="question-translations-heading">
      <h3 id="question-translations-heading">{t('questionTranslations.heading', { version: data.version })}</h3>
      {!data.editable ? (
        <p class="muted">{t('questionTranslations.notEditable', { version: data.version, status: t(`versionStatus.${data.version_status}`) })}</p>
      ) : (
        <>
          <div class="field">
            <label class="field__label" for="translation-language">{t('questionTranslations.language')}</label>
            <select id="translation-language" class="field__control" value={language} onChange={(e) => { setLanguage(e.currentTarget.value); setSaved(false); }}>
              {languages.map((code) => <option key={code} value={code}>{languageLabel(code)}</option>)}
            </select>
          </div>
          {saved ? <p class="notice" role="status">{t('questionTranslations.saved')}</p> : null}
          <ol class="version-assessment__questions">
            {data.items.map((question) => (
              <li key={`${question.id}-${language}`} class="version-assessment__question">
                <p><strong>{question.prompt}</strong></p>
                <TranslationForm mcId={mc.id} question={question} language={language}
                  onSaved={() => { setSaved(true); reload(); }} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
