// The verification checks of a signed credential ({check, result, message} from the API), with
// the same markup as the server's rendering of /v/{id}: ol.verify__checks > li.verify__check.
import { t } from '../i18n/index.js';

const RESULTS = new Set(['passed', 'failed', 'not_checked']);

export function VerifyChecks({ checks }) {
  if (!checks || !checks.length) return null;
  return (
    <>
      <h2 class="verify__subtitle">{t('verifyChecks.heading')}</h2>
      <ol class="verify__checks">
        {checks.map((c) => {
          const result = RESULTS.has(c.result) ? c.result : 'not_checked';
          return (
            <li key={c.check} class={`verify__check verify__check--${result}`} data-check={c.check} data-result={result}>
              <strong>{t(`verifyChecks.results.${result}`)}:</strong>{' '}{c.message}
            </li>
          );
        })}
      </ol>
    </>
  );
}
