import { useEffect, useRef, useState } from 'preact/hooks';
import { post } from '../api.js';
import { t } from '../i18n/index.js';
import { errorMessage } from '../errors.js';
import { Link } from '../router.jsx';
import { Alert } from '../components/common.jsx';
import { Page } from '../components/Page.jsx';

/**
 * The page that the confirmation e-mail links to. Confirming takes a click, so that a mail
 * program that opens links to scan them does not confirm the application on its own.
 */
export function JoinConfirm({ loc }) {
  const token = new URLSearchParams(loc.search).get('token') || '';
  const [state, setState] = useState({ done: false, error: null, busy: false });
  const result = useRef(null);

  useEffect(() => {
    if ((state.done || state.error) && result.current) result.current.focus();
  }, [state.done, state.error]);

  async function onConfirm() {
    setState({ done: false, error: null, busy: true });
    try {
      await post('/api/v1/applications/confirm', { token });
      setState({ done: true, error: null, busy: false });
    } catch (e) {
      setState({ done: false, error: e, busy: false });
    }
  }

  return (
    <Page title={t('joinConfirm.title')} class="narrow">
      <h1>{t('joinConfirm.title')}</h1>
      {!token ? <Alert>{t('joinConfirm.noToken')}</Alert> : null}
      {token && state.done ? (
        <div class="notice notice--done" role="status">
          <h2 ref={result} tabIndex={-1}>{t('joinConfirm.doneTitle')}</h2>
          <p>{t('joinConfirm.doneText')}</p>
        </div>
      ) : null}
      {token && !state.done ? (
        <>
          {state.error ? (
            <div class="alert" role="alert">
              <h2 ref={result} tabIndex={-1} class="alert__title">{t('joinConfirm.failedTitle')}</h2>
              <p>{errorMessage(state.error)}</p>
              <p>{t('joinConfirm.failedNext')} <Link href="/join">{t('joinConfirm.applyAgain')}</Link></p>
            </div>
          ) : <p class="lead">{t('joinConfirm.intro')}</p>}
          <div class="form__actions">
            <button type="button" class="button" disabled={state.busy} onClick={onConfirm}>
              {t('joinConfirm.submit')}
            </button>
          </div>
        </>
      ) : null}
    </Page>
  );
}
