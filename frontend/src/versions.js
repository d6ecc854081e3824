// Loading versions of a micro-credential for the people who validate it.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get } from './api.js';
import { sessionLost } from './session.js';

const base = (id) => `/api/v1/microcredentials/${encodeURIComponent(id)}`;

/** Fetches the list of versions and then the detail (with reviewers and reviews) of the latest. */
export async function fetchLatestVersion(id) {
  const list = await get(`${base(id)}/versions`);
  const latest = list.items[list.items.length - 1];
  return get(`${base(id)}/versions/${latest.version}`);
}

export function fetchVersion(id, number) {
  return get(`${base(id)}/versions/${encodeURIComponent(number)}`);
}

/** Returns {version, error, loading, reload, setVersion} for the latest version of `id`. */
export function useLatestVersion(id) {
  const [state, setState] = useState({ version: null, error: null, loading: true });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true }));
    fetchLatestVersion(id).then(
      (version) => current && setState({ version, error: null, loading: false }),
      (error) => {
        if (error.status === 401) sessionLost();
        if (current) setState({ version: null, error, loading: false });
      },
    );
    return () => { current = false; };
  }, [id, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const setVersion = useCallback((version) => setState({ version, error: null, loading: false }), []);
  return { ...state, reload, setVersion };
}
