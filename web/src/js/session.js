// session.js — login and logout with iocd's session API, and the user shown in the header.
//
// POST /session sets an HttpOnly cookie the script cannot read, and answers with the user and a
// CSRF token that later writes send back (api.js). To avoid a 401 on every anonymous page load,
// the page asks GET /session only when HINT_KEY in localStorage says a login happened in this
// browser; a 401 then clears the hint. The hint holds no secret: the cookie is the credential.
// States: anonymous ⇄ signed-in; the header shows either the login button or name, role, logout.
//
// The end of a session. iocd ends a session at expires_at (absolute) or when it has not been used
// for auth.session_idle_s; POST and GET /session answer both ends (idle_expires_at: when it ends
// if unused from now on; null when there is no idle timeout). Every API call but the page's own
// background reads is a use (api.js onApiUse), so the idle end moves on with them: the estimate
// here is the later of the server's idle end and last use + the idle time − iocd's recording
// slack (a tenth, at most 60 s), which
// never comes after the server's. LEAD_MAX_MS before the earlier end (at most half of the idle
// time) a notice warns and offers "stay signed in" (GET /session, itself a use; not offered
// before the absolute end, which no use moves). When the
// estimate is reached, the console ends the session itself (DELETE /session, a 401 meaning it
// had ended already) and returns to the signed-out state with a message; a 401 to "stay signed
// in" does the same. Notice states: hidden → warning → hidden (stay, activity) | ended.

import { apiGet, apiSend, setCsrfToken, onApiUse } from './api.js';
import { t } from './i18n.js';
import { byId } from './dom.js';
import { TIME_ZONE } from './format.js';

const LEAD_MAX_MS = 2 * 60 * 1000;
const SLACK_MAX_MS = 60 * 1000;
const TIMER_MAX_MS = 2 ** 30; // setTimeout overflows past 2^31 - 1 ms

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
    const notice = byId('session-notice');
    const noticeText = byId('session-notice-text');
    const stayButton = byId('session-stay');
    let user = null;
    // the session's ends (ms since the epoch) as last told by iocd, the idle time they imply,
    // the last use since then, and the timer of the next step
    let absEnd = 0;
    let idleEnd = 0; // 0: no idle timeout
    let idleMs = 0;
    let absSpan = 0; // the whole length of the session, as first seen
    let lastUse = 0;
    let timer = 0;
    let noticeEnd = 0;

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

    function timeText(ms) {
        return new Intl.DateTimeFormat('en-GB', {
            timeZone: TIME_ZONE,
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
            hourCycle: 'h23',
        }).format(new Date(ms));
    }

    function renderNotice() {
        const state = notice.dataset.state;
        // near the absolute end, using the session does not help: no "stay signed in"
        const absolute = noticeEnd >= absEnd;
        if (state === 'warning')
            noticeText.textContent = t(absolute ? 'session.expiring_absolute' : 'session.expiring', {
                time: timeText(noticeEnd),
            });
        else if (state === 'ended') noticeText.textContent = t('session.ended');
        stayButton.hidden = state !== 'warning' || absolute;
    }

    function showNotice(state, end = 0) {
        const fresh = notice.dataset.state !== state;
        notice.dataset.state = state;
        noticeEnd = end;
        renderNotice();
        notice.hidden = false;
        if (fresh) announce(noticeText.textContent);
    }

    function hideNotice() {
        notice.hidden = true;
        notice.dataset.state = '';
    }

    /** When the session ends by our estimate (never after iocd's end). */
    function endEstimate() {
        if (!idleEnd) return absEnd;
        let end = idleEnd;
        if (lastUse) end = Math.max(end, lastUse + idleMs - Math.min(SLACK_MAX_MS, idleMs / 10));
        return Math.min(absEnd, end);
    }

    function schedule() {
        clearTimeout(timer);
        timer = 0;
        if (!user) return;
        const now = Date.now();
        const end = endEstimate();
        if (now >= end) {
            expire();
            return;
        }
        const lead = Math.min(LEAD_MAX_MS, (idleEnd ? idleMs : absSpan) / 2);
        const warnAt = end - lead;
        if (now >= warnAt) {
            if (notice.dataset.state !== 'warning' || noticeEnd !== end) showNotice('warning', end);
            timer = setTimeout(schedule, Math.min(end - now, TIMER_MAX_MS));
        } else {
            if (notice.dataset.state === 'warning') hideNotice();
            timer = setTimeout(schedule, Math.min(warnAt - now, TIMER_MAX_MS));
        }
    }

    function accept(body) {
        const now = Date.now();
        user = body.user;
        setCsrfToken(body.csrf_token);
        setHint(true);
        absEnd = Date.parse(body.expires_at) || now + TIMER_MAX_MS;
        idleEnd = body.idle_expires_at ? Date.parse(body.idle_expires_at) || 0 : 0;
        idleMs = idleEnd ? Math.max(idleMs, idleEnd - now) : 0;
        absSpan = Math.max(absSpan, absEnd - now);
        lastUse = 0;
        render();
        if (notice.dataset.state === 'warning' || notice.dataset.state === 'ended') hideNotice();
        schedule();
    }

    function forget() {
        user = null;
        setCsrfToken('');
        setHint(false);
        clearTimeout(timer);
        timer = 0;
        idleMs = 0;
        absSpan = 0;
        render();
    }

    /** The session has ended (on iocd or by our estimate): signed out, with a message. */
    function ended() {
        if (!user) return;
        forget();
        showNotice('ended');
    }

    /** Our estimate of the end is reached: end the session on iocd too, then sign out. */
    async function expire() {
        if (!user) return;
        clearTimeout(timer);
        timer = 0;
        try {
            await apiSend('DELETE', '/session');
        } catch {
            // 401: iocd had ended it already; anything else: it ends there on its own
        }
        ended();
    }

    async function stay() {
        stayButton.disabled = true;
        try {
            accept(await apiGet('/session'));
            announce(t('session.extended'));
        } catch (err) {
            if (err.status === 401) ended();
            else noticeText.textContent = t('session.stay_error', { message: err.message });
        } finally {
            stayButton.disabled = false;
        }
    }

    onApiUse((at, status) => {
        if (!user || status === 401) return;
        lastUse = Math.max(lastUse, at);
        if (notice.dataset.state === 'warning') schedule();
    });

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
        hideNotice();
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
    stayButton.addEventListener('click', stay);
    byId('session-notice-close').addEventListener('click', hideNotice);
    document.addEventListener('ioc:language', () => {
        render();
        renderNotice();
    });

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
