import type { Article } from "./extract/types.js";

/**
 * Pages that show a consent banner, a login form or a paywall instead of the article. Summarizing
 * the banner would be worse than saying so; a page with a banner *and* the article is an article
 * (the extractor drops the banner).
 */
export type Wall = "paywall" | "consent" | "login";

/** A body shorter than this, with a paywall flag, is the teaser the wall lets through. */
const PAYWALL_TEASER_CHARS = 1_500;
/** Only short texts are judged by their vocabulary: a real article may well mention cookies. */
const WALL_TEXT_MAX_CHARS = 1_200;
/** Share of sentences that must speak wall language for a short text to be called a wall. */
const WALL_SHARE = 0.4;

const VOCABULARY: Record<Wall, RegExp> = {
  consent:
    /\b(cookies?|consent|privacy (policy|settings)|personal data|partners|accept all|reject all|manage (options|preferences)|legitimate interest|tracking)\b|\b(datenschutz|einwilligung|zustimmen|akzeptieren)\b|\b(consentement|accepter|refuser)\b|\b(aceptar|rechazar|consentimiento)\b|\bсогла(сие|шаюсь)\b|\bфайлы cookie\b/i,
  login: /\b(log ?in|sign ?in|create (an|a free) account|register|password|forgot your password|e-?mail address)\b|\b(anmelden|einloggen|passwort)\b|\b(connexion|se connecter|mot de passe)\b|\b(iniciar sesión|contraseña)\b|\b(войти|пароль)\b/i,
  paywall:
    /\b(subscribe|subscription|subscriber|premium|paywall|unlimited access|free trial|per (month|week)|already a (subscriber|member)|continue reading for|to read (the|this) (full )?(article|story))\b|\b(abonnieren|abonnement|abo)\b|\b(abonnez|abonné)\b|\b(suscríbete|suscriptor)\b|\bподпи(ска|шитесь)\b/i,
};

export function detectWall(article: Article): Wall | null {
  const text = article.text;
  if (article.accessibleForFree === false && text.length < PAYWALL_TEASER_CHARS) return "paywall";
  if (text.length > WALL_TEXT_MAX_CHARS) return null;
  const sentences = text.split(/(?<=[.!?])\s+|\n+/).filter((s) => s.trim().length > 0);
  if (sentences.length === 0) return null;
  let best: Wall | null = null;
  let bestShare = 0;
  for (const wall of ["consent", "login", "paywall"] as const) {
    const share = sentences.filter((s) => VOCABULARY[wall].test(s)).length / sentences.length;
    if (share > bestShare) {
      best = wall;
      bestShare = share;
    }
  }
  return bestShare >= WALL_SHARE ? best : null;
}
