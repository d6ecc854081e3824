import { render } from 'preact';
import { App } from './App.jsx';
import { loadSession } from './session.js';
import './styles/app.css';
import './styles/print.css';

const root = document.getElementById('app');

// The backend renders the public verification page into #app so that its status shows before any
// script runs. Keep that markup to show while the app fetches the same data, then replace it.
const ssrMain = root.querySelector('main');
const ssr = ssrMain ? { path: window.location.pathname, html: ssrMain.outerHTML } : null;
root.textContent = '';

loadSession();
render(<App ssr={ssr} />, root);
