// i18n.js — the message catalogues and the current language.
//
// Every text the user reads comes from web/src/i18n/<lang>.json (flat keys such as "panel.area"),
// bundled into the script so a language switch needs no request. Markup names its texts with
// data-i18n="key" (text content) and data-i18n-attr="attr:key,attr:key" (attributes); the build
// fills them with Vietnamese so the first paint needs no script, and apply() refills them here.
// Invariants: Vietnamese is the default and the fallback for a key missing in another catalogue;
// the chosen language is remembered in localStorage under STORAGE_KEY; a change fires the
// "ioc:language" event on document so modules can redraw what they rendered themselves.

import vi from '../i18n/vi.json';
import en from '../i18n/en.json';

const CATALOGUES = { vi, en };
const STORAGE_KEY = 'ioc.lang';
export const LANGUAGES = Object.keys(CATALOGUES);
export const DEFAULT_LANGUAGE = 'vi';

let current = DEFAULT_LANGUAGE;

/** The current language code ("vi" or "en"). */
export function language() {
    return current;
}

/** The BCP 47 locale used for numbers and dates in the current language. */
export function locale() {
    return CATALOGUES[current].locale || vi.locale;
}

/**
 * The text for key in the current language, with {name} placeholders replaced from params.
 * A missing key falls back to Vietnamese, then to the key itself (visible, so it gets fixed).
 */
export function t(key, params) {
    let text = CATALOGUES[current][key];
    if (text === undefined) text = vi[key];
    if (text === undefined) return key;
    if (params) {
        text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
    }
    return text;
}

/** True when the catalogue has key (used for data-driven keys such as unit types). */
export function has(key) {
    return key in CATALOGUES[current] || key in vi;
}

/** Fill every data-i18n / data-i18n-attr element under root with the current language. */
export function apply(root = document) {
    for (const el of root.querySelectorAll('[data-i18n]')) {
        el.textContent = t(el.dataset.i18n);
    }
    for (const el of root.querySelectorAll('[data-i18n-attr]')) {
        for (const pair of el.dataset.i18nAttr.split(',')) {
            const [attr, key] = pair.split(':').map((s) => s.trim());
            if (attr && key) el.setAttribute(attr, t(key));
        }
    }
    document.documentElement.lang = current;
    const title = document.querySelector('title[data-i18n]');
    if (title) document.title = t(title.dataset.i18n);
}

/** Switch to lang (ignored if unknown), remember it, refill the page and tell the modules. */
export function setLanguage(lang) {
    if (!CATALOGUES[lang]) return;
    current = lang;
    try {
        localStorage.setItem(STORAGE_KEY, lang);
    } catch {
        // Storage may be disabled (private mode); the choice then lasts for this page only.
    }
    apply();
    document.dispatchEvent(new CustomEvent('ioc:language', { detail: { lang } }));
}

/** Pick the remembered language (or the default) and fill the page; call once at start. */
export function initLanguage() {
    let saved = null;
    try {
        saved = localStorage.getItem(STORAGE_KEY);
    } catch {
        saved = null;
    }
    current = CATALOGUES[saved] ? saved : DEFAULT_LANGUAGE;
    apply();
}
