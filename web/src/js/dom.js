// dom.js — building DOM nodes without innerHTML.
//
// Data from the server (names, notes) is only ever inserted as text nodes, so it can never become
// markup; and no style attribute is written into markup, which the Content-Security-Policy forbids.

/**
 * Create an element: h('li', {class: 'x', role: 'option', dataset: {code: '1'}}, 'text', child).
 * Attribute values false/null/undefined are skipped; true sets an empty attribute.
 */
export function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
        for (const [name, value] of Object.entries(attrs)) {
            if (value === false || value === null || value === undefined) continue;
            if (name === 'dataset') Object.assign(el.dataset, value);
            else el.setAttribute(name, value === true ? '' : String(value));
        }
    }
    append(el, children);
    return el;
}

function append(el, children) {
    for (const c of children) {
        if (c === null || c === undefined || c === false) continue;
        if (Array.isArray(c)) append(el, c);
        else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
}

/** Replace all children of el by the given nodes or texts. */
export function replaceChildren(el, ...children) {
    el.replaceChildren();
    append(el, children);
}

/** Shorthand for document.getElementById that fails loudly on a missing element. */
export function byId(id) {
    const el = document.getElementById(id);
    if (!el) throw new Error(`missing element #${id}`);
    return el;
}
