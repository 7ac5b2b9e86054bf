/**
 * Recognises a line that only stamps a date ("Published Nov 18, 2019 at 4:07 PM", "Updated:
 * 20.11.2019 10:35", "sexta-feira, 22 de outubro de 2010 às 20:13"): news pages print one above
 * or below the body, and it is never part of the article. Month and weekday names cover the
 * languages the summarizer supports; the rest of the line may only be stamp words and times.
 */
const MONTHS = [
  // en
  "january|february|march|april|may|june|july|august|september|october|november|december",
  "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec",
  // de, fr, es, pt, it
  "januar|februar|märz|mai|juni|juli|oktober|dezember",
  "janvier|février|avril|juin|juillet|août|septembre|octobre|novembre|décembre",
  "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre",
  "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro",
  "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre",
  // ru (genitive, as dates are written)
  "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря",
].join("|");

const WEEKDAYS = [
  "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun",
  "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag",
  "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche",
  "lunes|martes|miércoles|jueves|viernes|sábado|domingo",
  "segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|sábado|domingo",
  "lunedì|martedì|mercoledì|giovedì|venerdì|sabato|domenica",
  "понедельник|вторник|среда|четверг|пятница|суббота|воскресенье",
].join("|");

const STAMP_WORDS =
  "posted|published|updated|last|modified|date|on|at|by|em|às|as|um|am|le|à|el|de|del|di|il|le|à|в|опубликовано|обновлено|aktualisiert|veröffentlicht|publié|mis|jour|publicado|actualizado|atualizado|pubblicato|aggiornato|utc|gmt|[ecmp][sd]t|cet|cest|bst|ist|et|pt|am|pm|a\\.m|p\\.m|hrs?|ago";

const MONTH_RE = new RegExp(`(^|[^\\p{L}])(${MONTHS})(\\.|[^\\p{L}]|$)`, "iu");
const NUMERIC_DATE = /\b(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\b/;
const REMOVABLE = new RegExp(`(^|[^\\p{L}])((${MONTHS})|(${WEEKDAYS})|(${STAMP_WORDS}))(?=[^\\p{L}]|$)`, "giu");

/** At most this many letters may remain once dates, weekdays, times and stamp words are gone. */
const MAX_LEFTOVER_LETTERS = 3;

export function isDateline(text: string): boolean {
  if (text.length > 100) return false;
  if (!MONTH_RE.test(text) && !NUMERIC_DATE.test(text)) return false;
  const leftover = text.replace(REMOVABLE, "$1").replace(/[^\p{L}]+/gu, "");
  return leftover.length <= MAX_LEFTOVER_LETTERS;
}
