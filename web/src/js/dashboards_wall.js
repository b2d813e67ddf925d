// dashboards_wall.js — the video-wall mode, #wall?ids=a,b,c&every=30: the dashboards given,
// one at a time, full window, large type, no cursor (CSS: body.wall-mode), each shown for
// `every` seconds (at least 2) and loaded afresh at every rotation (document and values).
//
// It never gives up: when a dashboard cannot be loaded (iocd restarting, the network down) the
// wall keeps what it shows, says quietly in its corner that it is retrying, and tries again every
// RETRY_MS until iocd answers; then it goes on rotating. A panel that fails shows its error and
// is loaded again at the next rotation.
// Test hooks: #wall[data-index][data-id][data-rotations][data-state=loading|ready|retrying].

import { t } from './i18n.js';
import { h, replaceChildren } from './dom.js';
import { formatDateTime } from './format.js';
import { showDashboard } from './dashboards_grid.js';

const RETRY_MS = 3000;

export function startWall(root, { ids, every }, { viewHash }) {
    const wall = h('div', { class: 'wall', id: 'wall', dataset: { rotations: '0', state: 'loading' } });
    const stage = h('div', { class: 'wall-stage' });
    const status = h('p', { class: 'wall-status', id: 'wall-status', 'aria-live': 'polite' });
    wall.append(stage, status);
    replaceChildren(root, wall);
    let index = -1;
    let shown = null;
    let timer = 0;
    let stopped = false;
    let rotations = 0;

    if (!ids.length) {
        status.textContent = t('dash.wall_empty');
        return { destroy() {}, relabel() {} };
    }

    async function next(advance) {
        if (stopped) return;
        const i = advance ? (index + 1) % ids.length : Math.max(0, index);
        const id = ids[i];
        // drawn in place but hidden, so the charts get their real size, then swapped in
        const view = h('div', { class: 'dash-view wall-view wall-next' });
        stage.append(view);
        const candidate = showDashboard(
            view,
            { id, unit: '', kind: 'month' },
            { href: (change) => viewHash({ id, kind: 'month', ...change }), wall: true },
        );
        let ok = false;
        try {
            ok = await candidate.done;
        } catch {
            ok = false;
        }
        if (stopped) return candidate.destroy();
        if (!ok) {
            candidate.destroy();
            view.remove();
            wall.dataset.state = 'retrying';
            status.textContent = t('dash.wall_retrying');
            timer = setTimeout(() => next(advance), RETRY_MS);
            return;
        }
        if (shown) shown.destroy();
        shown = candidate;
        index = i;
        rotations++;
        for (const old of [...stage.children]) if (old !== view) old.remove();
        view.classList.remove('wall-next');
        view.id = 'dash-view';
        wall.dataset.index = String(i);
        wall.dataset.id = id;
        wall.dataset.rotations = String(rotations);
        wall.dataset.state = 'ready';
        status.textContent = t('dash.wall_status', { n: i + 1, total: ids.length, time: formatDateTime(new Date()) });
        timer = setTimeout(() => next(true), every * 1000);
    }

    next(true);
    return {
        destroy() {
            stopped = true;
            clearTimeout(timer);
            if (shown) shown.destroy();
        },
        relabel() {
            if (shown) shown.relabel();
        },
    };
}
