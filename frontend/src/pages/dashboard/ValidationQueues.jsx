import { useState } from 'preact/hooks';

import { t } from '../../i18n/index.js';
import { Link } from '../../router.jsx';
import { countryName } from '../../format.js';

/** The three queues of GET /api/v1/dashboard/queues under `microcredentials`, in working order. */
const QUEUES = ['awaiting_reviewers', 'reviews_outstanding', 'awaiting_decision'];

/** A long queue first shows this many of its oldest versions, so the next queue stays in reach. */
const FIRST_SHOWN = 10;

/** "3 days" for waits of a day or more, else "5 hours". */
export function ageText(hours) {
  return hours >= 24 ? t('applications.ageDays', { count: Math.floor(hours / 24) })
    : t('applications.ageHours', { count: hours });
}

function ReviewerList({ reviewers }) {
  if (!reviewers.length) return null;
  return (
    <ul class="queue-item__reviewers">
      {reviewers.map((reviewer) => (
        <li key={reviewer.id}>
          {t(reviewer.checklist_submitted ? 'validationQueues.checklistIn' : 'validationQueues.checklistMissing',
            { name: reviewer.name })}
        </li>
      ))}
    </ul>
  );
}

function QueueItem({ item }) {
  const organisation = item.promoting_organisation;
  return (
    <li class="queue-item">
      <div class="application__head">
        <Link class="queue-item__title" href={item.validation_path}>
          {t('validationQueues.itemTitle', { title: item.title || t('validation.untitled'), version: item.version })}
        </Link>
        <span class="tag tag--age">{t('applications.waiting', { age: ageText(item.age_hours) })}</span>
      </div>
      <p class="queue-item__meta">
        {t('validationQueues.promotedBy', { name: organisation.name, country: countryName(organisation.country) })}
        {item.reviewers_assigned
          ? ` ${t('validationQueues.checklists', { submitted: item.checklists_submitted, count: item.reviewers_assigned })}`
          : null}
      </p>
      <ReviewerList reviewers={item.reviewers} />
    </li>
  );
}

function Queue({ name, queue }) {
  const [all, setAll] = useState(false);
  const long = queue.items.length > FIRST_SHOWN;
  const shown = long && !all ? queue.items.slice(0, FIRST_SHOWN) : queue.items;
  return (
    <section class="validation-queue" aria-labelledby={`queue-${name}`}>
      <h3 id={`queue-${name}`}>{t(`validationQueues.queues.${name}`)}</h3>
      <p class="result-count">{t('validationQueues.count', { count: queue.total })}</p>
      {shown.length ? (
        <ul class="applications" id={`queue-${name}-items`}>
          {shown.map((item) => <QueueItem key={`${item.id}-${item.version}`} item={item} />)}
        </ul>
      ) : null}
      {long ? (
        <button type="button" class="button button--secondary" aria-expanded={all ? 'true' : 'false'}
          aria-controls={`queue-${name}-items`} onClick={() => setAll(!all)}>
          {all ? t('validationQueues.showOldest', { count: FIRST_SHOWN })
            : t('validationQueues.showAll', { count: queue.items.length })}
        </button>
      ) : null}
    </section>
  );
}

/** Lists the micro-credential versions that wait for a coordinator, one list per queue, oldest first. */
export function ValidationQueues({ queues }) {
  return (
    <section class="validation-queues" aria-labelledby="validation-queues">
      <h2 id="validation-queues">{t('validationQueues.title')}</h2>
      {QUEUES.map((name) => <Queue key={name} name={name} queue={queues[name]} />)}
    </section>
  );
}
