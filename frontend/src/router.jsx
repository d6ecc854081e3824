// A small router on the History API: routes are path patterns with :name parameters.
import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

function currentLocation() {
  return { path: window.location.pathname, search: window.location.search };
}

function emit() {
  const loc = currentLocation();
  listeners.forEach((fn) => fn(loc));
}

window.addEventListener('popstate', emit);

export function navigate(to, { replace = false } = {}) {
  if (replace) window.history.replaceState(null, '', to);
  else {
    window.history.pushState(null, '', to);
    window.scrollTo(0, 0);
  }
  emit();
}

export function useLocation() {
  const [loc, setLoc] = useState(currentLocation);
  useEffect(() => {
    listeners.add(setLoc);
    return () => listeners.delete(setLoc);
  }, []);
  return loc;
}

/** Compiles "/certificates/:id" into a matcher that returns {id} or null. */
export function route(pattern, view) {
  const names = [];
  const source = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, name) => {
    names.push(name);
    return '([^/]+)';
  });
  const re = new RegExp(`^${source}/?$`);
  return {
    view,
    match(path) {
      const m = re.exec(path);
      if (!m) return null;
      const params = {};
      names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1]);
        } catch {
          params[name] = m[i + 1];
        }
      });
      return params;
    },
  };
}

export function matchRoute(routes, path) {
  for (const r of routes) {
    const params = r.match(path);
    if (params) return { view: r.view, params };
  }
  return null;
}

/** A same-origin path, safe to send the browser to after sign-in ("/x", never "//host"). */
export function safeLocalPath(value) {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : null;
}

/** An <a> that navigates inside the app without reloading the page. */
export function Link({ href, onClick, ...rest }) {
  function handle(event) {
    if (onClick) onClick(event);
    if (event.defaultPrevented || event.button !== 0 || rest.target ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  }
  return <a href={href} onClick={handle} {...rest} />;
}
