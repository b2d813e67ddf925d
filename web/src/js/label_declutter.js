// label_declutter.js — labels on a map that would cover each other: a greedy test of their boxes
// in screen space. The labels are taken by rank, highest first; one whose box meets the box of a
// label already kept is collapsed (class COLLAPSED on its marker element: the stylesheet hides the
// text and keeps the point, and shows the text again while the marker has the keyboard focus, so
// every station stays reachable and named by its title). No clustering: the caller recomputes on
// zoom and move, and closer in the labels come back.

export const COLLAPSED = 'label-collapsed';
const GAP = 2; // px kept between two labels

function meets(a, b) {
    return a.left < b.right + GAP && b.left < a.right + GAP && a.top < b.bottom + GAP && b.top < a.bottom + GAP;
}

/**
 * entries: [{marker (element that gets the class), label (element whose box counts), rank}].
 * Keeps the highest ranks (ties: the order given) → the number collapsed.
 */
export function declutter(entries) {
    const boxes = entries
        .filter((e) => e.marker && e.label && e.label.isConnected)
        .map((e, i) => ({ e, i, box: e.label.getBoundingClientRect() }))
        .filter((x) => x.box.width > 0 || x.box.height > 0)
        .sort((x, y) => y.e.rank - x.e.rank || x.i - y.i);
    const kept = [];
    let collapsed = 0;
    for (const x of boxes) {
        const hide = kept.some((k) => meets(k, x.box));
        x.e.marker.classList.toggle(COLLAPSED, hide);
        if (hide) collapsed++;
        else kept.push(x.box);
    }
    return collapsed;
}
