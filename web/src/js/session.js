// session.js — login and logout with iocd's session API, and the user shown in the header.
//
// POST /session sets an HttpOnly cookie the script cannot read, and answers with the user and a
// CSRF token that later writes send back (api.js). To avoid a 401 on every anonymous page load,
// the page asks GET /session only when HINT_KEY in localStorage says a login happened in this
// browser; a 401 then clears the hint. The hint holds no secret: the cookie is the credential.
// States: anonymous ⇄ signed-in; the header shows either the login button or name, role, logout.

import { apiGet, apiSend, setCsrfToken } from './api.js';
import { t } from './i18n.js';
import { byId } from './dom.js';

const HINT_KEY = 'ioc.session';

function setHint(on) {
    try {
        if (on) localStorage.setItem(HINT_KEY, '1');
        else localStorage.removeItem(HINT_KEY);
    } catch {
        // no storage: the session is then not restored on reload, which is safe
    }
}

function hasHint() {
    try {
        return localStorage.getItem(HINT_KEY) === '1';
    } catch {
        return false;
    }
}

export function createSession({ announce }) {
    const userBox = byId('user');
    const userName = byId('user-name');
    const userRole = byId('user-role');
    const loginButton = byId('login-button');
    const logoutButton = byId('logout-button');
    const dialog = byId('login-dialog');
    const form = byId('login-form');
    const username = byId('login-username');
    const password = byId('login-password');
    const error = byId('login-error');
    const submit = byId('login-submit');
    let user = null;

    function roleLabel(role) {
        return role ? t(`role.${role}`) : '';
    }

    function render() {
        const signedIn = Boolean(user);
        userBox.hidden = !signedIn;
        loginButton.hidden = signedIn;
        logoutButton.hidden = !signedIn;
        document.body.dataset.session = signedIn ? user.role || 'user' : 'anonymous';
        if (signedIn) {
            userName.textContent = user.display_name || user.username;
            userRole.textContent = roleLabel(user.role);
            userBox.title = user.agency ? user.agency.name : '';
        } else {
            userName.textContent = '';
            userRole.textContent = '';
        }
    }

    function accept(body) {
        user = body.user;
        setCsrfToken(body.csrf_token);
        setHint(true);
        render();
    }

    function forget() {
        user = null;
        setCsrfToken('');
        setHint(false);
        render();
    }

    function showError(text) {
        error.textContent = text;
        error.hidden = !text;
    }

    async function onSubmit(e) {
        e.preventDefault();
        const u = username.value.trim();
        const p = password.value;
        if (!u || !p) {
            showError(t('session.missing'));
            (u ? password : username).focus();
            return;
        }
        submit.disabled = true;
        showError('');
        try {
            accept(await apiSend('POST', '/session', { username: u, password: p }));
            password.value = '';
            dialog.close();
            logoutButton.focus();
            announce(t('session.signed_in', { name: userName.textContent, role: userRole.textContent }));
        } catch (err) {
            if (err.code === 'bad_credentials' || err.code === 'rate_limited') showError(t(`session.${err.code}`));
            else showError(t('session.error', { message: err.message }));
            password.select();
        } finally {
            submit.disabled = false;
        }
    }

    async function logout() {
        try {
            await apiSend('DELETE', '/session');
        } catch (err) {
            // 401: the session had already ended on the server; anything else is shown.
            if (err.status !== 401) {
                announce(t('session.logout_error', { message: err.message }));
                return;
            }
        }
        forget();
        loginButton.focus();
        announce(t('session.signed_out'));
    }

    loginButton.addEventListener('click', () => {
        showError('');
        dialog.showModal();
        username.focus();
    });
    byId('login-cancel').addEventListener('click', () => dialog.close());
    form.addEventListener('submit', onSubmit);
    logoutButton.addEventListener('click', logout);
    document.addEventListener('ioc:language', render);

    /** Restore a session started earlier in this browser (see HINT_KEY). */
    async function restore() {
        render();
        if (!hasHint()) return;
        try {
            accept(await apiGet('/session'));
        } catch (err) {
            if (err.status === 401) forget();
        }
    }

    return { restore, user: () => user };
}
