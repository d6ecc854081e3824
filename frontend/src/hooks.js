import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get } from './api.js';
import { t } from './i18n/index.js';
import { sessionLost } from './session.js';

/**
 * GETs `path` (again whenever it changes) and returns {data, error, loading, reload, setData}.
 * A late answer for a path that is no longer wanted is dropped. A null path fetches nothing.
 */
export function useApi(path) {
  const [state, setState] = useState({ data: null, error: null, loading: !!path });
  const [round, setRound] = useState(0);
  const wanted = useRef(null);

  useEffect(() => {
    if (!path) return;
    const token = {};
    wanted.current = token;
    setState((s) => ({ data: s.data, error: null, loading: true }));
    get(path).then(
      (data) => wanted.current === token && setState({ data, error: null, loading: false }),
      (error) => {
        if (error.status === 401) sessionLost(); // the session ended: pages that need one ask to sign in
        if (wanted.current === token) setState({ data: null, error, loading: false });
      },
    );
  }, [path, round]);

  const reload = useCallback(() => setRound((n) => n + 1), []);
  const setData = useCallback((data) => setState({ data, error: null, loading: false }), []);
  return { ...state, reload, setData };
}

/** Sets the browser tab's title: "<page> · MIC". */
export function useDocumentTitle(title) {
  useEffect(() => {
    document.title = title ? t('app.titlePattern', { page: title }) : t('app.name');
  }, [title]);
}
