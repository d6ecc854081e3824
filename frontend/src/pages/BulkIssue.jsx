// Bulk issuing from a CSV file: choose the micro-credential and the file, read the dry-run report
// row by row, start the job, follow its progress and open the certificates it issued.
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, postCsv } from '../api.js';
import { has, t } from '../i18n/index.js';
import { readableServerMessage } from '../errors.js';
import { canIssueFor, useSession } from '../session.js';
import { Alert, ErrorAlert, Loading } from '../components/common.jsx';
import { Field } from '../components/Field.jsx';
import { IssuerOnly } from '../components/Guard.jsx';
import { Page } from '../components/Page.jsx';
import { Link } from '../router.jsx';
import { fetchAllMicrocredentials } from './Issue.jsx';

const POLL_MS = 500;
const ENDED = new Set(['succeeded', 'failed']);

/**
 * A header cell as the server compares it (backend/src/bulk.c): its ASCII letters and digits in
 * lower case, so "E-mail", "email" and "Holder_Email" name the same column.
 */
function normaliseHeader(cell) {
  return cell.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
}

/** Returns the first line of a file's text, without a byte order mark. */
function firstLine(text) {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0];
}

/**
 * Reads the header row of a CSV file and returns, per API field name, the header the file uses
 * for it. known is the list of GET /api/v1/bulk-issues/columns, or null while it loads, which
 * gives {}. The separator is the more frequent of comma and semicolon, as on the server.
 * NOTE: a header cell with a line break inside quotes ends the row early here, so that column
 * and the ones after it keep the API's field names in messages.
 */
export function headerColumns(text, known) {
  if (!known) return {};
  const fieldOfHeader = new Map(known.flatMap((column) => (
    column.headers.map((header) => [normaliseHeader(header), column.field]))));
  const line = firstLine(text);
  const commas = (line.match(/,/g) || []).length;
  const semicolons = (line.match(/;/g) || []).length;
  const columns = {};
  for (const cell of line.split(semicolons > commas ? ';' : ',')) {
    const header = cell.trim().replace(/^"(.*)"$/, '$1').replace(/""/g, '"').trim();
    const field = fieldOfHeader.get(normaliseHeader(header));
    if (field && !columns[field]) columns[field] = header;
  }
  return columns;
}

/**
 * Rewrites a row problem for the user: the API's field name at the start of the message becomes
 * the file's column header, or plain words when the header is not known.
 */
function rowProblemText(error, columns) {
  const column = columns[error.field];
  if (column && error.message.startsWith(`${error.field} `)) {
    return t('bulk.columnProblem', { column, problem: error.message.slice(error.field.length + 1) });
  }
  return readableServerMessage(error.message);
}

/** Returns the name of a column from the catalogue, or its field name when the catalogue has none. */
function columnLabel(column) {
  const key = `bulk.headerFields.${column.field}`;
  const label = has(key) ? t(key) : column.field;
  return column.required ? t('bulk.headerRequired', { column: label }) : label;
}

/**
 * Lists the headers that name each column, under the file field, from the server's list. known is
 * null while that list loads, and error is set when it could not be loaded.
 */
function HeaderSpellings({ known, error }) {
  let list = <Loading />;
  if (error) {
    list = <ErrorAlert error={error} />;
  } else if (known) {
    list = (
      <dl class="facts">
        {known.map((column) => (
          <Fragment key={column.field}>
            <dt>{columnLabel(column)}</dt>
            <dd data-field={column.field}>{column.headers.map((header) => `"${header}"`).join(', ')}</dd>
          </Fragment>
        ))}
      </dl>
    );
  }
  return (
    <section class="bulk__headers" aria-labelledby="bulk-headers-title">
      <h2 class="field__label" id="bulk-headers-title">{t('bulk.headersTitle')}</h2>
      <p class="field__hint">{t('bulk.headersIntro')}</p>
      {list}
    </section>
  );
}

function uploadPath(microcredentialId, dryRun) {
  const query = `microcredential_id=${encodeURIComponent(microcredentialId)}`;
  return `/api/v1/bulk-issues?${query}${dryRun ? '&dry_run=true' : ''}`;
}

/** Shows the dry-run report: one table row per line of the file, with its problems in place. */
function Report({ report, columns }) {
  return (
    <div class="bulk__scroll">
      <p class="bulk__caption" id="bulk-report-caption">{t('bulk.reportCaption', { count: report.total_rows })}</p>
      <table class="table bulk__table" aria-labelledby="bulk-report-caption">
        <thead>
          <tr>
            <th scope="col">{t('bulk.line')}</th>
            <th scope="col">{t('bulk.holderName')}</th>
            <th scope="col">{t('bulk.holderEmail')}</th>
            <th scope="col">{t('bulk.problems')}</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((row) => (
            <tr key={row.line} class={row.errors.length ? 'bulk__row--invalid' : undefined} data-line={row.line}>
              <td data-label={t('bulk.line')}>{row.line}</td>
              <td data-label={t('bulk.holderName')}>{row.holder_name}</td>
              <td data-label={t('bulk.holderEmail')}>{row.holder_email}</td>
              <td data-label={t('bulk.problems')}>
                {row.errors.length === 0 ? t('bulk.rowValid') : (
                  <ul class="bulk__problems">
                    {row.errors.map((error, index) => <li key={index}>{rowProblemText(error, columns)}</li>)}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Shows the warnings of a report, which do not stop issuing: the catalogue's sentence for a known
 * code, the server's message for any other.
 */
function Warnings({ warnings }) {
  if (!warnings || !warnings.length) return null;
  return warnings.map((warning, index) => {
    let text = readableServerMessage(warning.message || '');
    if (warning.code === 'unknown_columns' && Array.isArray(warning.columns)) {
      const columns = warning.columns.map((name) => `"${name}"`).join(', ');
      text = t('bulk.unknownColumns', { count: warning.columns.length, columns });
    }
    return <Alert key={index} kind="info">{text}</Alert>;
  });
}

/** Shows the progress of a job from its done_rows, which the worker writes while it issues. */
function Progress({ job }) {
  const total = job.total_rows || 0;
  const done = Math.min(job.done_rows || 0, total);
  const finished = job.status === 'succeeded';
  const shown = finished ? total : done;
  let percent = 0;
  if (total > 0) percent = Math.round((100 * shown) / total);
  return (
    <div class="bulk__progress">
      <p id="bulk-progress-label">
        {t(`bulk.status.${job.status}`)} {t('bulk.progress', { done: shown, total, percent })}
      </p>
      <progress
        class="bulk__bar"
        max="100"
        value={percent}
        aria-labelledby="bulk-progress-label"
        data-percent={percent}
      />
    </div>
  );
}

/** Lists the rows of an ended job, with links to their certificates. */
function Results({ job, names }) {
  if (job.status === 'failed') {
    return <Alert>{t('bulk.failed', { line: job.failed_line ?? '—', message: job.error || '' })}</Alert>;
  }
  return (
    <>
      <Alert kind="info">{t('bulk.succeeded', { issued: job.issued_count, skipped: job.skipped_count })}</Alert>
      <div class="bulk__scroll">
        <p class="bulk__caption" id="bulk-results-caption">{t('bulk.resultsCaption')}</p>
        <table class="table bulk__table bulk__results" aria-labelledby="bulk-results-caption">
          <thead>
            <tr>
              <th scope="col">{t('bulk.line')}</th>
              <th scope="col">{t('bulk.holderName')}</th>
              <th scope="col">{t('bulk.result')}</th>
              <th scope="col">{t('bulk.certificate')}</th>
            </tr>
          </thead>
          <tbody>
            {(job.results || []).map((row) => (
              <tr key={row.line}>
                <td data-label={t('bulk.line')}>{row.line}</td>
                <td data-label={t('bulk.holderName')}>{names[row.line] || ''}</td>
                <td data-label={t('bulk.result')}>{t(`bulk.results.${row.result}`)}</td>
                <td data-label={t('bulk.certificate')}>
                  {row.certificate_id ? (
                    <Link href={`/certificates/${encodeURIComponent(row.certificate_id)}`}>{row.certificate_id}</Link>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function BulkForm({ user }) {
  const [options, setOptions] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [microcredentialId, setMicrocredentialId] = useState('');
  const [file, setFile] = useState(null);
  const [report, setReport] = useState(null);
  const [known, setKnown] = useState(null);
  const [knownError, setKnownError] = useState(null);
  const [headerLine, setHeaderLine] = useState('');
  const [job, setJob] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const poll = useRef(null);

  useEffect(() => {
    fetchAllMicrocredentials().then(
      (items) => setOptions(items.filter((mc) => canIssueFor(user, mc.promoting_organisation && mc.promoting_organisation.id))),
      setLoadError,
    );
    // The page works without the list: row problems then name the API's fields.
    get('/api/v1/bulk-issues/columns').then((body) => setKnown(body.columns), setKnownError);
    return () => clearTimeout(poll.current);
  }, []);

  function reset() {
    clearTimeout(poll.current);
    setReport(null);
    setJob(null);
    setError(null);
  }

  async function check(event) {
    event.preventDefault();
    reset();
    if (!microcredentialId || !file) {
      setError(t(!microcredentialId ? 'bulk.microcredentialMissing' : 'bulk.fileMissing'));
      return;
    }
    setBusy(true);
    try {
      const bytes = await file.arrayBuffer();
      setHeaderLine(firstLine(new TextDecoder().decode(bytes)));
      setReport(await postCsv(uploadPath(microcredentialId, true), bytes));
    } catch (e) {
      setError(e instanceof ApiError && e.serverMessage ? e.serverMessage : e.message);
    }
    setBusy(false);
  }

  async function follow(id) {
    try {
      const current = await get(`/api/v1/bulk-issues/${encodeURIComponent(id)}`);
      setJob(current);
      if (!ENDED.has(current.status)) poll.current = setTimeout(() => follow(id), POLL_MS);
    } catch (e) {
      setError(e.message);
    }
  }

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const queued = await postCsv(uploadPath(microcredentialId, false), await file.arrayBuffer());
      setJob(queued);
      follow(queued.id);
    } catch (e) {
      // A file that changed since the check gets the report again, with its problems.
      if (e instanceof ApiError && e.body && e.body.rows) setReport(e.body);
      setError(e instanceof ApiError && e.serverMessage ? e.serverMessage : e.message);
    }
    setBusy(false);
  }

  if (loadError) return <ErrorAlert error={loadError} />;
  if (!options) return <Loading />;
  if (!options.length) return <Alert kind="info">{t('issue.noMicrocredentials')}</Alert>;

  const names = Object.fromEntries((report ? report.rows : []).map((row) => [row.line, row.holder_name]));
  const ready = report && report.invalid_rows === 0 && report.total_rows > 0;
  const columns = headerColumns(headerLine, known);
  return (
    <>
      <form class="form" onSubmit={check} noValidate>
        <Field
          as="select"
          id="microcredential_id"
          name="microcredential_id"
          label={t('issue.microcredential')}
          value={microcredentialId}
          onChange={(e) => { setMicrocredentialId(e.currentTarget.value); reset(); }}
          required
          disabled={Boolean(job)}
        >
          <option value="">{t('issue.choose')}</option>
          {options.map((mc) => <option key={mc.id} value={String(mc.id)}>{mc.title}</option>)}
        </Field>
        <Field
          id="csv_file"
          name="csv_file"
          type="file"
          accept=".csv,text/csv"
          label={t('bulk.file')}
          hint={t('bulk.fileHint')}
          onChange={(e) => { setFile(e.currentTarget.files[0] || null); reset(); }}
          required
          disabled={Boolean(job)}
        />
        <HeaderSpellings known={known} error={knownError} />
        <div class="form__actions">
          <button type="submit" class="button button--secondary" disabled={busy || Boolean(job)}>{t('bulk.check')}</button>
        </div>
      </form>
      <Alert>{error}</Alert>
      {report && !job ? (
        <section class="bulk__report" aria-live="polite">
          <h2>{t('bulk.reportTitle')}</h2>
          {report.invalid_rows > 0 ? <Alert>{t('bulk.invalidRows', { count: report.invalid_rows })}</Alert> : null}
          <Warnings warnings={report.warnings} />
          <Report report={report} columns={columns} />
          {ready ? (
            <button type="button" class="button" onClick={start} disabled={busy}>
              {t('bulk.start', { count: report.total_rows })}
            </button>
          ) : null}
        </section>
      ) : null}
      {job ? (
        <section class="bulk__job" aria-live="polite">
          <h2>{t('bulk.jobTitle', { id: job.id })}</h2>
          <Progress job={job} />
          {ENDED.has(job.status) ? <Results job={job} names={names} /> : null}
        </section>
      ) : null}
    </>
  );
}

export function BulkIssue({ loc }) {
  const { user } = useSession();
  return (
    <IssuerOnly loc={loc} title={t('bulk.title')}>
      {() => (
        <Page title={t('bulk.title')} class="narrow">
          <h1>{t('bulk.title')}</h1>
          <p class="lead">{t('bulk.intro')}</p>
          <BulkForm user={user} />
        </Page>
      )}
    </IssuerOnly>
  );
}
