// /microcredentials/:id/assessment/statistics: attempts, pass rate and per-question difficulty and
// discrimination of an online assessment, for its editors and coordinators.
import { t } from '../i18n/index.js';
import { useApi } from '../hooks.js';
import { Link } from '../router.jsx';
import { ErrorAlert, Facts, Loading } from '../components/common.jsx';
import { Page } from '../components/Page.jsx';
import { formatNumber } from '../format.js';

function figure(value, digits = 2) {
  if (value === null || value === undefined) return t('statistics.none');
  return formatNumber(Math.round(value * 10 ** digits) / 10 ** digits);
}

export function AssessmentStatistics({ params }) {
  const id = encodeURIComponent(params.id);
  const path = `/api/v1/microcredentials/${id}/assessment/statistics`;
  const { data: stats, error, loading } = useApi(path);

  return (
    <Page title={t('statistics.title')}>
      <p class="eyebrow">{stats ? stats.title : null}</p>
      <h1>{t('statistics.title')}</h1>
      <p><Link href={`/microcredentials/${id}`}>{t('statistics.back')}</Link></p>
      {loading && !stats ? <Loading /> : null}
      <ErrorAlert error={error} />
      {stats ? (
        <>
          <Facts
            rows={[
              [t('statistics.finished'), formatNumber(stats.attempts.finished)],
              [t('statistics.passed'), formatNumber(stats.attempts.passed)],
              [t('statistics.inProgress'), formatNumber(stats.attempts.in_progress)],
              [t('statistics.passRate'), stats.pass_rate === null ? t('statistics.none') : `${figure(stats.pass_rate * 100, 1)} %`],
              [t('statistics.averageScore'), stats.average_score_percent === null ? t('statistics.none') : `${figure(stats.average_score_percent, 1)} %`],
            ]}
          />
          <p class="muted">{t('statistics.method')}</p>
          <p><a href={`${path}?format=csv`} download>{t('statistics.csv')}</a></p>
          <table class="table stats__numbers">
            <caption class="visually-hidden">{t('statistics.questions')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('statistics.question')}</th>
                <th scope="col">{t('statistics.attempts')}</th>
                <th scope="col">{t('statistics.difficulty')}</th>
                <th scope="col">{t('statistics.discrimination')}</th>
              </tr>
            </thead>
            <tbody>
              {stats.questions.map((q) => (
                <tr key={q.id}>
                  <th scope="row" data-label={t('statistics.question')}>
                    {q.prompt}
                    {q.retired ? <span class="muted"> {t('statistics.retired')}</span> : null}
                  </th>
                  <td data-label={t('statistics.attempts')}>{formatNumber(q.attempts)}</td>
                  <td data-label={t('statistics.difficulty')}>{figure(q.difficulty)}</td>
                  <td data-label={t('statistics.discrimination')}>{figure(q.discrimination)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </Page>
  );
}
