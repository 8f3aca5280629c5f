/**
 * Sign-in for the pages people use in a browser (the charity office's page): the API key is typed
 * once into a form, kept on the server in a session, and the browser holds only a random session
 * id in an HttpOnly, SameSite=Strict cookie. Every request still authenticates the key, so a key
 * revoked or expired since sign-in is refused at once. Each session has a CSRF token that the
 * page sends back on every POST.
 *
 * Sessions live in this process's memory: a restart signs everyone out, and several instances
 * behind a balancer need sticky sessions.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Request, Response } from "express";

export const SESSION_COOKIE = "medassist_session";

export interface Session {
  key: string;
  csrf: string;
  expiresAt: number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly minutes: number) {}

  /** Starts a session for a verified key; returns its id (the cookie's value). */
  open(key: string, now = Date.now()): string {
    this.sweep(now);
    const id = randomBytes(32).toString("base64url");
    this.sessions.set(id, { key, csrf: randomBytes(24).toString("base64url"), expiresAt: now + this.minutes * 60_000 });
    return id;
  }

  /** The request's live session, or null. */
  of(req: Request, now = Date.now()): Session | null {
    const id = cookie(req, SESSION_COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return null;
    if (session.expiresAt <= now) {
      this.sessions.delete(id!);
      return null;
    }
    return session;
  }

  close(req: Request): void {
    const id = cookie(req, SESSION_COOKIE);
    if (id) this.sessions.delete(id);
  }

  setCookie(res: Response, id: string, secure: boolean): void {
    res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: "strict", secure, path: "/", maxAge: this.minutes * 60_000 });
  }

  clearCookie(res: Response): void {
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: "strict", path: "/" });
  }

  private sweep(now: number): void {
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

function cookie(req: Request, name: string): string | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

/** True when the request carries the session's CSRF token and, if the browser says, comes from this origin. */
export function sameOriginWithToken(req: Request, session: Session): boolean {
  const given = Buffer.from(String(req.headers["x-csrf-token"] ?? ""));
  const wanted = Buffer.from(session.csrf);
  return given.length === wanted.length && timingSafeEqual(given, wanted) && sameOrigin(req);
}

/** A browser's Origin header, when sent, must name this host (login forms have no token yet). */
export function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
