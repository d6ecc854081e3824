import { Fragment } from 'preact';
import { t } from '../i18n/index.js';

/** The ESCO skills of one learning outcome, as links labelled by name. */
function EscoSkills({ skills }) {
  if (!skills || !skills.length) return null;
  return (
    <p class="outcome__skills">
      <span class="outcome__skills-label">{t('outcomes.escoSkills')}</span>{' '}
      {skills.map((skill, i) => (
        <Fragment key={skill.uri}>
          {i > 0 ? t('common.listSeparator') : null}
          <a href={skill.uri} rel="external noopener">{skill.label || skill.uri}</a>
        </Fragment>
      ))}
    </p>
  );
}

/** Learning outcomes as an ordered list; `withSkills` adds each outcome's ESCO skills. */
export function Outcomes({ outcomes, withSkills = true, class: className = 'outcomes' }) {
  if (!outcomes || !outcomes.length) return <p>{t('outcomes.none')}</p>;
  return (
    <ol class={className}>
      {outcomes.map((o, i) => (
        <li key={i} class="outcome">
          <span class="outcome__statement">{o.statement}</span>
          {withSkills ? <EscoSkills skills={o.esco_skills} /> : null}
        </li>
      ))}
    </ol>
  );
}
