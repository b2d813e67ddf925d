// console.js — entry point of the operator console (index.html): wires the modules together.
//
// Layout of the screen: header (brand, search, language, session), the map filling the window,
// the side panel over the map's right edge. Modules do not know each other: this file passes
// callbacks between them (search pick → map zoom + panel; map click → panel; panel → map
// highlight). Escape closes, in order, the search list (search.js), the login dialog (native
// <dialog>), then the panel.

import { initLanguage, setLanguage, language, t } from './i18n.js';
import { createMap } from './map.js';
import { createPanel } from './panel.js';
import { createSearch } from './search.js';
import { createSession } from './session.js';
import { byId } from './dom.js';

function main() {
    initLanguage();
    const status = byId('status');
    const banner = byId('banner');
    const mapEl = byId('map');
    const announce = (text) => {
        status.textContent = text;
    };

    let map = null;
    const panel = createPanel({
        onUnit: (unit) => map && map.highlight(unit ? unit.code : null),
        announce,
    });
    map = createMap(mapEl, { onPoint: (latlng) => panel.lookupPoint(latlng) });

    announce(t('map.loading'));
    map.ready.then(
        (count) => announce(t('map.loaded', { count })),
        (err) => {
            banner.textContent = t('map.error', { message: err.message });
            banner.hidden = false;
        },
    );

    createSearch({
        announce,
        onPick: async (unit) => {
            // The panel first, so the zoom can keep the commune clear of it (a bottom sheet on
            // narrow screens is only as tall as its content).
            await panel.showUnit(unit.code);
            map.ready.then(
                () => map.zoomToUnit(unit, panel.cover()),
                () => {}, // the banner already says the map failed
            );
        },
    });

    const session = createSession({ announce });
    session.restore();

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
        map.relabel();
    });
    renderLanguageButtons();

    document.addEventListener('keydown', (e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        if (document.querySelector('dialog[open]')) return;
        if (panel.close(mapEl)) e.preventDefault();
    });
}

main();
