// A coordinator's page for one micro-credential (/microcredentials/{id}/validation): assign
// reviewers, read their reviews, approve or request changes, publish and retire.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.js';
import { t } from '../i18n/index.js';
import { errorMessage } from '../errors.js';
import { useApi } from '../hooks.js';
import { Link } from '../router.jsx';
import { Alert, ErrorAlert, Loading } from '../components/common.jsx';
import { RoleGuard } from '../components/RoleGuard.jsx';
import { Page } from '../components/Page.jsx';
import { CRITERIA, VersionContent } from './Review.jsx';
import { useLatestVersion } from '../versions.js';

/** Organisation types whose reviewers bring the labour market's view, one of which every review needs. */
const LABOUR_MARKET_TYPES = new Set(['company', 'sector_organisation']);

/**
 * Names an organisation type. The catalogue key of "other" is "other_type", because an entry
 * named "other" would make t() read the group as plural forms.
 */
function organisationType(type) {
  return t(`validation.types.${type === 'other' ? 'other_type' : type}`);
}

function Reviews({ reviewers }) {
  if (!reviewers || !reviewers.length) return <p>{t('validation.noReviewers')}</p>;
  return (
    <ul class="plain-list reviews">
      {reviewers.map((r) => (
        <li key={r.id} class="reviews__item">
          <p class="reviews__who">
            <strong>{r.name}</strong>
            {r.organisation && r.organisation.name ? t('organisation.countrySuffix', { country: r.organisation.name }) : null}
            {t('common.separator')}
            {r.review ? t(`review.recommendations.${r.review.recommendation}`) : t('validation.notReviewed')}
          </p>
          {r.review ? (
            <>
              {r.review.comment ? <p class="reviews__comment">{r.review.comment}</p> : null}
              <ul class="reviews__checklist">
                {CRITERIA.map((criterion) => {
                  const entry = (r.review.checklist || []).find((c) => c.criterion === criterion);
                  if (!entry) return null;
                  return (
                    <li key={criterion} data-result={entry.result}>
                      <span class="reviews__result">{t(`review.results.${entry.result}`)}</span>
                      {' '}{t(`review.criteria.${criterion}`)}
                      {entry.comment ? <span class="muted">{t('validation.commentSuffix', { comment: entry.comment })}</span> : null}
                    </li>
                  );
                })}
              </ul>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * Splits the active member organisations into those with active reviewers and those without,
 * each in the order of the API (country, type, name).
 */
function groupByReviewers(items) {
  const active = items.filter((o) => o.status === 'active');
  return {
    withReviewers: active.filter((o) => o.active_reviewers > 0),
    withoutReviewers: active.filter((o) => !(o.active_reviewers > 0)),
  };
}

function organisationOption(o) {
  return t('validation.organisationReviewers', { name: o.name, type: organisationType(o.type), count: o.active_reviewers || 0 });
}

/** Chooses reviewers organisation by organisation; the chosen ones stay chosen across organisations. */
function AssignReviewers({ id, version, onDone }) {
  const organisations = useApi('/api/v1/dashboard/members?status=active');
  const [organisationId, setOrganisationId] = useState('');
  const [people, setPeople] = useState(null);
  const [chosen, setChosen] = useState(() => (version.reviewers || []).map((r) => ({
    id: r.id, name: r.name, organisation: r.organisation && r.organisation.name, type: r.organisation && r.organisation.type,
  })));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const list = (organisations.data && organisations.data.items) || [];
  const groups = groupByReviewers(list);

  async function onOrganisation(event) {
    const value = event.currentTarget.value;
    setOrganisationId(value);
    setPeople(null);
    if (!value) return;
    try {
      const users = await get(`/api/v1/organisations/${encodeURIComponent(value)}/users`);
      setPeople(users.items.filter((u) => u.role === 'reviewer' && u.state === 'active'));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  function toggle(person, on) {
    const org = list.find((o) => String(o.id) === organisationId) || {};
    setChosen(on
      ? [...chosen, { id: person.id, name: person.name, organisation: org.name, type: org.type }]
      : chosen.filter((c) => c.id !== person.id));
  }

  async function onAssign() {
    setError(null);
    if (chosen.length < 2 || !chosen.some((c) => LABOUR_MARKET_TYPES.has(c.type))) {
      setError(t('validation.assignRule'));
      return;
    }
    setBusy(true);
    try {
      onDone(await post(`/api/v1/microcredentials/${encodeURIComponent(id)}/reviewers`, { reviewer_ids: chosen.map((c) => c.id) }),
        t('validation.assigned'));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="tools" aria-labelledby="assign-heading">
      <h2 id="assign-heading">{t('validation.assignHeading')}</h2>
      <p class="field__hint" id="assign-hint">{t('validation.assignRule')}</p>
      {error ? <Alert>{error}</Alert> : null}
      <div class="field">
        <label class="field__label" for="reviewer-organisation">{t('validation.organisation')}</label>
        <select id="reviewer-organisation" class="field__control" value={organisationId} onChange={onOrganisation}>
          <option value="">{t('editor.choose')}</option>
          <optgroup label={t('validation.withReviewers')}>
            {groups.withReviewers.map((o) => (
              <option key={o.id} value={String(o.id)}>{organisationOption(o)}</option>
            ))}
          </optgroup>
          {groups.withoutReviewers.length ? (
            <optgroup label={t('validation.withoutReviewers')}>
              {groups.withoutReviewers.map((o) => (
                <option key={o.id} value={String(o.id)} disabled>{organisationOption(o)}</option>
              ))}
            </optgroup>
          ) : null}
        </select>
      </div>
      {people ? (
        people.length ? (
          <fieldset class="editor__fieldset">
            <legend class="field__label">{t('validation.reviewersOf')}</legend>
            {people.map((person) => (
              <label key={person.id} class="editor__choice">
                <input type="checkbox" checked={chosen.some((c) => c.id === person.id)}
                  onChange={(e) => toggle(person, e.currentTarget.checked)} />
                <span>{person.name}</span>
              </label>
            ))}
          </fieldset>
        ) : <p class="muted" role="status">{t('validation.noReviewersThere')}</p>
      ) : null}
      <p>
        <strong>{t('validation.chosen')}</strong>{' '}
        {chosen.length
          ? chosen.map((c) => t('validation.chosenEntry', { name: c.name, organisation: c.organisation || '' })).join(t('common.listSeparator'))
          : t('validation.noneChosen')}
      </p>
      <button type="button" class="button" disabled={busy} aria-describedby="assign-hint" onClick={onAssign}>{t('validation.assign')}</button>
    </section>
  );
}

/** Shows the coordinator's decisions that the version's status allows, with one shared comment. */
function Decisions({ id, version, onDone }) {
  const status = version.status;
  const reviewComments = (version.reviewers || [])
    .filter((r) => r.review && r.review.comment)
    .map((r) => t('validation.quotedComment', { name: r.name, comment: r.review.comment }))
    .join('\n');
  const [comment, setComment] = useState(reviewComments);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function act(action, needsComment) {
    setError(null);
    if (needsComment && !comment.trim()) {
      setError(t('validation.commentMissing'));
      return;
    }
    setBusy(true);
    try {
      const body = comment.trim() ? { comment: comment.trim() } : undefined;
      onDone(await post(`/api/v1/microcredentials/${encodeURIComponent(id)}/${action}`, body), t(`validation.done.${action}`));
    } catch (e) {
      setError(e instanceof ApiError ? errorMessage(e) : t('errors.generic'));
    } finally {
      setBusy(false);
    }
  }

  const canDecide = status === 'in_review' || status === 'submitted';
  // The backend approves only when every assigned reviewer has filled the checklist.
  const reviewers = version.reviewers || [];
  const reviewsMissing = reviewers.filter((r) => !r.review).length;
  const canApprove = status === 'in_review' && reviewers.length > 0 && reviewsMissing === 0;
  if (!canDecide && status !== 'approved' && status !== 'published') return null;
  return (
    <section class="tools" aria-labelledby="decide-heading">
      <h2 id="decide-heading">{t('validation.decideHeading')}</h2>
      {error ? <Alert>{error}</Alert> : null}
      <div class="field">
        <label class="field__label" for="decision-comment">{t('validation.comment')}</label>
        <p class="field__hint" id="decision-comment-hint">{t('validation.commentHint')}</p>
        <textarea id="decision-comment" class="field__control" rows="4" value={comment}
          aria-describedby="decision-comment-hint" onInput={(e) => setComment(e.currentTarget.value)} />
      </div>
      {status === 'in_review' && !canApprove ? (
        <p class="field__hint" id="approve-pending">{t('validation.reviewsPending', { count: reviewsMissing })}</p>
      ) : null}
      <div class="tools__buttons">
        {canApprove ? (
          <button type="button" class="button" disabled={busy} onClick={() => act('approve', false)}>{t('validation.approve')}</button>
        ) : null}
        {canDecide || status === 'approved' ? (
          <button type="button" class="button button--secondary" disabled={busy} onClick={() => act('request-changes', true)}>
            {t('validation.requestChanges')}
          </button>
        ) : null}
        {status === 'approved' ? (
          <button type="button" class="button" disabled={busy} onClick={() => act('publish', false)}>{t('validation.publish')}</button>
        ) : null}
        {status === 'published' ? (
          <button type="button" class="button button--danger" disabled={busy} onClick={() => act('retire', false)}>{t('validation.retire')}</button>
        ) : null}
      </div>
    </section>
  );
}

function ValidationLoaded({ id }) {
  const { version, error, loading, setVersion } = useLatestVersion(id);
  const [notice, setNotice] = useState(null);
  const noticeRef = useRef(null);
  useEffect(() => {
    if (notice && noticeRef.current) noticeRef.current.focus();
  }, [notice]);
  if (loading && !version) return <Loading />;
  if (error) return <ErrorAlert error={error} />;

  // Wraps the message in a fresh object, so that the same message twice still moves focus.
  function onDone(next, message) {
    setVersion(next);
    setNotice({ message });
  }

  const assignable = version.status === 'submitted' || version.status === 'in_review';
  return (
    <>
      <p class="editor__status">
        {t('editor.versionStatus', { version: version.version, status: t(`versionStatus.${version.status}`) })}
        {' '}
        <Link href={`/microcredentials/${encodeURIComponent(id)}/versions`}>{t('editor.historyLink')}</Link>
      </p>
      {notice ? <p class="notice" role="status" tabIndex={-1} ref={noticeRef}>{notice.message}</p> : null}
      <div class="review">
        <VersionContent version={version} />
        <div class="review__side">
          <section aria-labelledby="reviews-heading">
            <h2 id="reviews-heading">{t('validation.reviewsHeading')}</h2>
            <Reviews reviewers={version.reviewers} />
          </section>
          {assignable ? <AssignReviewers key={`${version.version}-${version.status}`} id={id} version={version} onDone={onDone} /> : null}
          <Decisions key={`d-${version.version}-${version.status}`} id={id} version={version} onDone={onDone} />
        </div>
      </div>
    </>
  );
}

export function Validation({ params, loc }) {
  const title = t('validation.pageTitle');
  return (
    <RoleGuard loc={loc} title={title} roles={['coordinator']}>
      {() => (
        <Page title={title} class="review-page">
          <h1>{title}</h1>
          <ValidationLoaded id={params.id} />
        </Page>
      )}
    </RoleGuard>
  );
}
