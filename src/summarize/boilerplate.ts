/**
 * Lines that can slip through extraction but never belong in a digest: reader prompts, navigation,
 * photo credits and newsletter boxes. Patterns describe kinds of line, never one site.
 */
const NEVER = [
  /^no time to read\b/i,
  /\bget (a|the) summary\b/i,
  /^(previous|next|prev)\s+(article|post|story|page)\b/i,
  /^(read|see|show|load)\s+(more|also|next|full)\b/i,
  /^(continue|keep) reading\b/i,
  /^click here\b/i,
  /^scroll (down|up)\b/i,
  /^(share|tweet|email|print)( this)?( article| story| on \w+)?[.!:]?$/i,
  /^(follow|like|join) us\b/i,
  /\b(sign up|subscribe)\b.{0,80}\b(newsletter|inbox|e-?mail|updates|alerts)\b/i,
  /^(photo|image|picture|video|graphic|illustration)s?\s*(credit)?\s*[:©]/i,
  /^(credit|source|photograph)s?\s*:/i,
  /\((image|photo|picture|credit)s?:[^)]*\)\s*$/i,
  /^(getty images|shutterstock|reuters|ap photo|afp)\b/i,
  /^(advertisement|sponsored( content)?|related( articles| stories)?|most (read|popular))$/i,
  /^(copyright|©|all rights reserved)\b/i,
  /^(this (article|story) (was|has been) (updated|corrected))\b/i,
];

/** Short prompts that newsrooms glue in front of a sentence without punctuation ("Scroll down for video"). */
const GLUED_PREFIX = /^(scroll down for (the )?video|click here for (the )?video|watch the video|video|advertisement)\s+(?=\p{Lu})/iu;

export function isBoilerplate(sentence: string): boolean {
  return NEVER.some((re) => re.test(sentence));
}

/** Splits a glued prompt off the sentence it precedes: the prompt becomes its own, never-chosen piece. */
export function splitGluedPrompt(sentence: string): string[] {
  const m = GLUED_PREFIX.exec(sentence);
  if (!m) return [sentence];
  return [m[0].trim(), sentence.slice(m[0].length)];
}
