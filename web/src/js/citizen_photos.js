// citizen_photos.js — the photo picker of the citizen page's form (citizen.html #c-photos): JPEG,
// PNG or WebP files, at most `max` of at most `maxBytes` each (the server's [reports] max_photos
// and max_photo_bytes when GET /api/v1/citizen/config gives them, else their defaults 5 and
// 8 MiB), each shown as a preview (a data: URL — the page's CSP allows no blob:) with a button that
// removes it before sending. The form appends the kept files as multipart `media` parts; the
// server checks the bytes again (type sniffed, size, count) and answers 400/413 naming the file.
//
// Hooks for tests: #c-photos (the input), #c-previews li[data-name] button.c-photo-remove,
// #c-photos-hint.

import { t, locale } from './i18n.js';
import { h, byId, replaceChildren } from './dom.js';

const TYPES = ['image/jpeg', 'image/png', 'image/webp'];
export const DEFAULT_LIMITS = { max: 5, maxBytes: 8 * 1024 * 1024 };

function mib(bytes) {
    return (bytes / (1024 * 1024)).toLocaleString(locale(), { maximumFractionDigits: 1 });
}

function dataUrl(file) {
    return new Promise((resolve) => {
        const r = new FileReader();
        r.onload = () => resolve(String(r.result));
        r.onerror = () => resolve('');
        r.readAsDataURL(file);
    });
}

/**
 * The picker over the page's #c-photos markup; onError(text) shows a refusal in the form.
 * → {files() → File[], setLimits({max, maxBytes}), clear(), render()}.
 */
export function createPhotoPicker({ onError }) {
    const input = byId('c-photos');
    const list = byId('c-previews');
    const hint = byId('c-photos-hint');
    let limits = { ...DEFAULT_LIMITS };
    let kept = []; // {file, url}

    function render() {
        hint.textContent =
            limits.max > 0
                ? t('citizen.photos_hint', { max: limits.max, size: mib(limits.maxBytes) })
                : t('citizen.photos_off');
        input.disabled = limits.max <= 0 || kept.length >= limits.max;
        replaceChildren(
            list,
            kept.map((k, i) => {
                const remove = h(
                    'button',
                    {
                        type: 'button',
                        class: 'button c-photo-remove',
                        'aria-label': t('citizen.photo_remove_named', { name: k.file.name }),
                    },
                    t('citizen.photo_remove'),
                );
                remove.addEventListener('click', () => {
                    kept.splice(i, 1);
                    render();
                    (list.querySelector('button') || input).focus();
                });
                return h(
                    'li',
                    { class: 'c-preview', 'data-name': k.file.name },
                    k.url ? h('img', { src: k.url, alt: t('citizen.photo_preview', { name: k.file.name }) }) : null,
                    h('span', { class: 'c-preview-name' }, `${k.file.name} · ${mib(k.file.size)} MiB`),
                    remove,
                );
            }),
        );
    }

    input.addEventListener('change', async () => {
        const refused = [];
        for (const file of [...input.files]) {
            if (!TYPES.includes(file.type)) refused.push(t('citizen.photo_bad_type', { name: file.name }));
            else if (file.size > limits.maxBytes)
                refused.push(t('citizen.photo_too_big', { name: file.name, size: mib(limits.maxBytes) }));
            else if (kept.length >= limits.max) refused.push(t('citizen.photo_too_many', { max: limits.max }));
            else kept.push({ file, url: await dataUrl(file) });
        }
        input.value = '';
        onError(refused.join(' '));
        render();
    });

    return {
        files: () => kept.map((k) => k.file),
        setLimits(l) {
            limits = {
                max: Number.isInteger(l.max) && l.max >= 0 ? l.max : DEFAULT_LIMITS.max,
                maxBytes: Number.isInteger(l.maxBytes) && l.maxBytes > 0 ? l.maxBytes : DEFAULT_LIMITS.maxBytes,
            };
            render();
        },
        clear() {
            kept = [];
            render();
        },
        render,
    };
}
