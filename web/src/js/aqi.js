// aqi.js — entry point of the public air quality page (aqi.html, served at /aqi): today's VN_AQI
// of every air station, highest first, each with its class in words and colour, the dominant
// pollutant, the hour, the day's AQI and what the class means for health (the advice of
// Decision 1459 as iocd gives it); the classes' legend; a small map. No login: every call is
// public (GET /api/v1/aqi/latest, env_data.js). Read again every REFRESH_MS.
//
// Hooks for tests: #aqi-list[data-state=loading|ready|error][data-count],
// li.aqi-card[data-station][data-aqi][data-class], #aqi-map[data-stations].

import { initLanguage, setLanguage, language, t } from './i18n.js';
import { h, byId, replaceChildren } from './dom.js';
import { formatDate, formatDateTime } from './format.js';
import { fetchLatest, sortByAqi, stationName, isSynthetic, CLASSES, CLASS_FROM, CLASS_TO } from './env_data.js';
import { createAqiMap } from './aqi_map.js';

const REFRESH_MS = 60000;

function main() {
    initLanguage();
    const list = byId('aqi-list');
    const updated = byId('aqi-updated');
    const error = byId('aqi-error');
    let data = null;
    let readAt = null;
    const map = createAqiMap(byId('aqi-map'), {
        onPick: (code) => {
            const card = list.querySelector(`li[data-station="${CSS.escape(code)}"]`);
            if (card) {
                card.scrollIntoView({ block: 'center' });
                card.focus();
            }
        },
    });

    const en = () => language() === 'en';
    const className = (x) => (en() ? x.class_en : x.class_vi) || '';

    function card(f) {
        const p = f.properties;
        const has = typeof p.aqi === 'number';
        const cls = has ? p.class : 0;
        const advice = en() ? p.advice_en : p.advice_vi;
        const day = p.daily && typeof p.daily.aqi === 'number' ? p.daily : null;
        return h(
            'li',
            {
                class: 'aqi-card',
                tabindex: '-1',
                dataset: { station: p.code, aqi: has ? String(p.aqi) : '', class: String(cls) },
            },
            h(
                'div',
                { class: `aqi-badge env-c${cls}` },
                h('span', { class: 'aqi-value' }, has ? String(p.aqi) : '–'),
                h('span', { class: 'aqi-class' }, has ? className(p) : t('env.no_aqi')),
            ),
            h(
                'div',
                { class: 'aqi-info' },
                h('h2', { class: 'aqi-name' }, stationName(p, language())),
                p.commune_name ? h('p', { class: 'aqi-commune' }, p.commune_name) : null,
                has && p.dominant
                    ? h('p', { class: 'aqi-dominant' }, t('aqi.dominant', { p: t(`env.p.${p.dominant}`) }))
                    : null,
                !has && p.reason && p.reason !== 'ok'
                    ? h('p', { class: 'aqi-reason' }, t(`aqi.reason.${p.reason}`))
                    : null,
                p.time ? h('p', { class: 'aqi-hour' }, t('aqi.hour', { time: formatDateTime(p.time) })) : null,
                h(
                    'p',
                    { class: 'aqi-day' },
                    day
                        ? [
                              h('span', { class: `aqi-day-mark env-c${day.class}`, 'aria-hidden': 'true' }),
                              t('aqi.day', { date: formatDate(day.date), aqi: day.aqi, cls: className(day) }),
                          ]
                        : t('aqi.no_day'),
                ),
                p.status && p.status !== 'online' ? h('p', { class: 'aqi-status' }, t(`env.status.${p.status}`)) : null,
                has && advice
                    ? h('p', { class: 'aqi-advice' }, h('strong', null, `${t('aqi.health')}: `), advice)
                    : null,
            ),
        );
    }

    function renderLegend() {
        replaceChildren(
            byId('aqi-classes'),
            CLASSES.map((k) =>
                h(
                    'li',
                    { class: 'aqi-class-row' },
                    h(
                        'span',
                        { class: `aqi-swatch env-c${k}` },
                        t('aqi.legend_range', { from: CLASS_FROM[k], to: CLASS_TO[k] }),
                    ),
                    h('span', null, t(`aqi.class.${k}`)),
                ),
            ),
        );
    }

    function render() {
        renderLegend();
        if (!data) return;
        const features = sortByAqi(data.features || [], language());
        replaceChildren(list, features.map(card));
        list.dataset.count = String(features.length);
        list.dataset.state = 'ready';
        byId('aqi-synthetic').hidden = !features.some((f) => isSynthetic(f.properties));
        updated.textContent = t('aqi.updated', { time: formatDateTime(readAt), count: features.length });
        map.show(
            features,
            (p) =>
                `${stationName(p, language())}: ${typeof p.aqi === 'number' ? `${p.aqi} ${className(p)}` : t('env.no_aqi')}`,
        );
    }

    async function load() {
        try {
            data = await fetchLatest();
            readAt = new Date();
            error.hidden = true;
        } catch (err) {
            error.textContent = t('aqi.error', { message: err.message });
            error.hidden = false;
            if (!data) list.dataset.state = 'error';
        }
        render();
        setTimeout(load, REFRESH_MS);
    }

    function renderLanguageButtons() {
        for (const b of document.querySelectorAll('.lang-button')) {
            b.setAttribute('aria-pressed', b.dataset.lang === language() ? 'true' : 'false');
        }
    }
    for (const b of document.querySelectorAll('.lang-button')) {
        b.addEventListener('click', () => setLanguage(b.dataset.lang));
    }
    document.addEventListener('ioc:language', () => {
        renderLanguageButtons();
        render();
    });
    renderLanguageButtons();
    load();
}

main();
