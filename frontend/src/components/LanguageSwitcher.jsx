import { languageName, languages, setLang, t, useLang } from '../i18n/index.js';

/** Chooses the interface language among the catalogues that exist (see i18n/index.js). */
export function LanguageSwitcher({ id = 'language' }) {
  const lang = useLang();
  return (
    <div class="lang-switch">
      <label class="lang-switch__label" for={id}>{t('language.label')}</label>
      <select
        id={id}
        class="lang-switch__select"
        value={lang}
        onChange={(e) => setLang(e.currentTarget.value)}
      >
        {languages.map((code) => (
          <option key={code} value={code} lang={code}>{languageName(code)}</option>
        ))}
      </select>
    </div>
  );
}
