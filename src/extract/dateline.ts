/**
 * Recognises a line that only stamps a date ("Published Nov 18, 2019 at 4:07 PM", "Updated:
 * 20.11.2019 10:35", "sexta-feira, 22 de outubro de 2010 às 20:13"): news pages print one above
 * or below the body, and it is never part of the article. Month and weekday names cover the
 * languages the summarizer supports; every other word of the line must be a stamp word.
 */
const words = (...lists: string[]) => lists.flatMap((l) => l.split(" "));

const MONTHS = new Set(
  words(
    "january february march april may june july august september october november december",
    "jan feb mar apr jun jul aug sep sept oct nov dec",
    "januar februar märz mai juni juli oktober dezember jänner",
    "janvier février avril juin juillet août septembre octobre novembre décembre",
    "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre",
    "janeiro fevereiro março maio junho julho setembro outubro novembro dezembro",
    "gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre",
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
  ),
);

/** Weekdays, words that introduce a stamp, and time-zone and clock abbreviations. */
const STAMP_WORDS = new Set(
  words(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun",
    "montag dienstag mittwoch donnerstag freitag samstag sonntag uhr am um stand aktualisiert veröffentlicht",
    "lundi mardi mercredi jeudi vendredi samedi dimanche le à mis jour publié",
    "lunes martes miércoles jueves viernes sábado domingo el de del las publicado actualizado",
    "segunda terça quarta quinta sexta feira sábado domingo às em atualizado",
    "lunedì martedì mercoledì giovedì venerdì sabato domenica il alle pubblicato aggiornato",
    "понедельник вторник среда четверг пятница суббота воскресенье в опубликовано обновлено",
    "posted published updated last modified date on at by a m p pm utc gmt est edt cst cdt pst pdt mst mdt cet cest bst ist et pt hrs ago",
  ),
);

const LETTER_RUN = /\p{L}+/gu;
const NUMERIC_DATE = /\b(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})\b/;

/** At most this many letters may remain once dates, weekdays, times and stamp words are gone. */
const MAX_LEFTOVER_LETTERS = 3;

export function isDateline(text: string): boolean {
  // Every stamp has a day or a year in digits: most lines are out before any word is looked at.
  if (text.length > 100 || !/\d/.test(text)) return false;
  let month = false;
  let leftover = 0;
  for (const [run] of text.toLowerCase().matchAll(LETTER_RUN)) {
    if (MONTHS.has(run)) month = true;
    else if (!STAMP_WORDS.has(run)) leftover += run.length;
    if (leftover > MAX_LEFTOVER_LETTERS) return false;
  }
  return month || NUMERIC_DATE.test(text);
}
