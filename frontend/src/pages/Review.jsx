// The review page of an assigned reviewer (/microcredentials/{id}/review): the content of the
// version in review, with its online assessment, beside the alliance's quality checklist, saved
// with PUT .../reviews/mine.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, request } from '../api.js';
import { t } from '../i18n/index.js';
import { errorMessage } from '../errors.js';
import { Link } from '../router.jsx';
import { Alert, ErrorAlert, Loading } from '../components/common.jsx';
import { Outcomes } from '../components/Outcomes.jsx';
import { RoleGuard } from '../components/RoleGuard.jsx';
import { Page } from '../components/Page.jsx';
import { ElementFacts } from './MicrocredentialPage.jsx';
import { VersionAssessment } from '../components/VersionAssessment.jsx';
import { useLatestVersion } from '../versions.js';

/** The criteria of the quality checklist, in the order the API expects them. */
export const CRITERIA = [
  'learning_outcomes_defined',
  'assessment_transparent',
  'eqf_level_indicated',
  'workload_defined',
  'esco_linked',
  'european_approach_aligned',
];

/** Shows the version's content as the public page does, for reading beside the checklist. */
export function VersionContent({ version }) {
  return (
    <article class="review__content" aria-labelledby="content-title">
      <p class="eyebrow">{t('review.versionOf', { version: version.version })}</p>
      <h2 id="content-title" class="review__title">{version.title}</h2>
      <p>{version.summary}</p>
      <h3>{t('microcredential.outcomes')}</h3>
      <Outcomes outcomes={version.learning_outcomes} />
      <h3>{t('microcredential.details')}</h3>
      <ElementFacts mc={version} />
    </article>
  );
}

function initialChecklist(mine) {
  const saved = new Map(((mine && mine.review && mine.review.checklist) || []).map((c) => [c.criterion, c]));
  return CRITERIA.map((criterion) => ({
    criterion,
    result: (saved.get(criterion) && saved.get(criterion).result) || '',
    comment: (saved.get(criterion) && saved.get(criterion).comment) || '',
  }));
}

function Checklist({ id, version, user, onSaved }) {
  const mine = (version.reviewers || []).find((r) => String(r.id) === String(user.id));
  const [items, setItems] = useState(() => initialChecklist(mine));
  const [recommendation, setRecommendation] = useState((mine && mine.review && mine.review.recommendation) || '');
  const [comment, setComment] = useState((mine && mine.review && mine.review.comment) || '');
  const [errors, setErrors] = useState({});
  const [busy, setBusy] = useState(false);
  // Counts the saves of this visit, so that every save moves focus to the confirmation again.
  const [saved, setSaved] = useState(0);
  const savedRef = useRef(null);
  useEffect(() => {
    if (saved && savedRef.current) savedRef.current.focus();
  }, [saved]);
  const open = version.status === 'in_review';

  const set = (i, patch) => setItems(items.map((item, j) => (j === i ? { ...item, ...patch } : item)));

  function check() {
    const found = {};
    items.forEach((item) => {
      if (!item.result) found[`checklist.${item.criterion}`] = t('review.errors.resultMissing');
      else if (item.result === 'fail' && !item.comment.trim()) found[`checklist.${item.criterion}`] = t('review.errors.commentMissing');
    });
    if (!recommendation) found.recommendation = t('review.errors.recommendationMissing');
    return found;
  }

  async function onSubmit(event) {
    event.preventDefault();
    setSaved(0);
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) {
      const first = event.currentTarget.querySelector('[aria-invalid="true"]');
      if (first) first.focus();
      return;
    }
    setBusy(true);
    try {
      const body = {
        checklist: items.map((item) => ({ criterion: item.criterion, result: item.result, comment: item.comment.trim() })),
        recommendation,
        comment: comment.trim() || null,
      };
      const answer = await request('PUT', `/api/v1/microcredentials/${encodeURIComponent(id)}/reviews/mine`, body);
      onSaved(answer);
      setSaved((count) => count + 1);
    } catch (error) {
      const field = error instanceof ApiError && error.field;
      setErrors(field ? { [field]: errorMessage(error) } : { '': errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="review__checklist" onSubmit={onSubmit} noValidate aria-labelledby="checklist-heading">
      <h2 id="checklist-heading">{t('review.checklist')}</h2>
      {!open ? <Alert kind="info">{t('review.closed', { status: t(`versionStatus.${version.status}`) })}</Alert> : null}
      {errors[''] ? <Alert>{errors['']}</Alert> : null}
      {errors.checklist ? <Alert>{errors.checklist}</Alert> : null}
      {saved ? <p class="notice" role="status" tabIndex={-1} ref={savedRef}>{t('review.saved')}</p> : null}
      <fieldset class="editor__all" disabled={!open || busy}>
        {items.map((item, i) => {
          const key = `checklist.${item.criterion}`;
          const error = errors[key];
          return (
            <fieldset key={item.criterion} class={error ? 'review__item editor__fieldset--invalid' : 'review__item'}>
              <legend class="field__label">{t(`review.criteria.${item.criterion}`)}</legend>
              <div class="review__results">
                {['pass', 'fail'].map((result) => (
                  <label key={result} class="editor__choice">
                    <input
                      type="radio"
                      name={`result-${item.criterion}`}
                      value={result}
                      checked={item.result === result}
                      aria-invalid={error && !item.result ? 'true' : undefined}
                      onChange={() => set(i, { result })}
                    />
                    <span>{t(`review.results.${result}`)}</span>
                  </label>
                ))}
              </div>
              <label class="filters__small-label" for={`comment-${item.criterion}`}>
                {t('review.criterionComment', { criterion: t(`review.criteria.${item.criterion}`) })}
              </label>
              <textarea
                id={`comment-${item.criterion}`}
                class="field__control review__comment"
                rows="2"
                value={item.comment}
                aria-invalid={error && item.result ? 'true' : undefined}
                aria-describedby={error ? `error-${item.criterion}` : undefined}
                onInput={(e) => set(i, { comment: e.currentTarget.value })}
              />
              {error ? <p class="field__error" id={`error-${item.criterion}`}>{error}</p> : null}
            </fieldset>
          );
        })}
        <fieldset class={errors.recommendation ? 'review__item editor__fieldset--invalid' : 'review__item'}>
          <legend class="field__label">{t('review.recommendation')}</legend>
          {['approve', 'request_changes'].map((value) => (
            <label key={value} class="editor__choice">
              <input
                type="radio"
                name="recommendation"
                value={value}
                checked={recommendation === value}
                aria-invalid={errors.recommendation ? 'true' : undefined}
                onChange={() => setRecommendation(value)}
              />
              <span>{t(`review.recommendationChoices.${value}`)}</span>
            </label>
          ))}
          {errors.recommendation ? <p class="field__error">{errors.recommendation}</p> : null}
        </fieldset>
        <div class="field">
          <label class="field__label" for="review-comment">
            {t('review.overallComment')}<span class="field__optional"> {t('form.optional')}</span>
          </label>
          <textarea id="review-comment" class="field__control" rows="3" value={comment}
            onInput={(e) => setComment(e.currentTarget.value)} />
        </div>
        <button type="submit" class="button">{t('review.submit')}</button>
      </fieldset>
    </form>
  );
}

function ReviewLoaded({ id, user }) {
  const { version, error, loading, setVersion } = useLatestVersion(id);
  if (loading && !version) return <Loading />;
  if (error) return <ErrorAlert error={error} />;
  return (
    <>
      <p>
        <Link href={`/microcredentials/${encodeURIComponent(id)}/versions`}>{t('editor.historyLink')}</Link>
      </p>
      <div class="review">
        <div class="review__content-column">
          <VersionContent version={version} />
          <VersionAssessment id={id} number={version.version} />
        </div>
        <Checklist id={id} version={version} user={user} onSaved={setVersion} />
      </div>
    </>
  );
}

export function Review({ params, loc }) {
  const title = t('review.title');
  return (
    <RoleGuard loc={loc} title={title} roles={['reviewer']}>
      {(user) => (
        <Page title={title} class="review-page">
          <h1>{title}</h1>
          <p class="lead">{t('review.intro')}</p>
          <ReviewLoaded id={params.id} user={user} />
        </Page>
      )}
    </RoleGuard>
  );
}
