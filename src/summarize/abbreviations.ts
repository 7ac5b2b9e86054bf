/**
 * Language data for sentence segmentation: which words before a full stop are abbreviations, and
 * what may follow them. Entries are written without their final dot, as the text spells them;
 * a capitalised form of a lower-case entry ("Prof" for "prof", "E.g" for "e.g") matches too.
 *
 * The lists are merged across languages on purpose: the language of a text is often unknown or
 * wrong, and a foreign abbreviation in a sentence ("ca.", "z.B.", "etc.") is common.
 */

/**
 * Abbreviations that do not end a sentence whatever follows: titles before names, months and days
 * before dates, and Latin or local shorthands that always lead into more text.
 */
export const NEVER_FINAL: ReadonlySet<string> = new Set([
  // English titles and ranks
  "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "Sr", "St", "Mt", "Ft", "Gen", "Gov", "Sen", "Rep", "Rev",
  "Capt", "Lt", "Col", "Sgt", "Maj", "Adm", "Cmdr", "Cpl", "Pvt", "Hon", "Pres", "Supt", "Det", "Insp", "Fr",
  // English shorthands
  "Bros", "vs", "e.g", "i.e", "approx", "cf", "viz", "al", "incl", "excl", "resp", "Dept", "Univ", "Ph.D",
  "U.S", "U.K", "U.N", "E.U", "U.S.A",
  // Months and days
  "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
  "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun",
  // German
  "z.B", "d.h", "u.a", "bzw", "ca", "Nr", "Str", "vgl", "ggf", "evtl", "sog", "Mio", "Mrd", "Jh", "Hr", "Frl",
  "bspw", "inkl", "zzgl", "geb", "gest", "Abs", "Bd", "Hrsg", "Tel", "o.ä", "u.ä", "s.o", "s.u",
  // French
  "MM", "Mme", "Mmes", "Mlle", "Mlles", "Pr", "Ste", "env", "av", "apr",
  // Spanish and Portuguese
  "Sra", "Srta", "Sres", "Dra", "Ud", "Uds", "Vd", "Vds", "pág", "págs", "aprox", "EE.UU", "EE", "Lic", "Ing",
  "Avda", "núm", "n.º", "N.º", "Profa", "Exmo", "Exma",
  // Italian
  "Sig", "Sig.ra", "Sig.na", "Sigg", "dott", "dott.ssa", "prof", "prof.ssa", "pag", "avv", "ing",
  // Russian
  "т.е", "т.к", "т.н", "гг", "им", "тел", "ул", "стр", "см", "проф", "акад", "ст", "пр-т", "просп",
]);

/** Abbreviations that mark a number: "No. 5" holds together, but "I said no. The…" ends. */
export const BEFORE_NUMBER: ReadonlySet<string> = new Set(["No", "Nos", "no", "Fig", "Figs", "Vol", "Vols", "pp", "Art", "art"]);

/**
 * "St." is "Saint" before a name and "Street" at the end of a sentence; "U.S." and "D.C." end
 * sentences too. After these, only a word that plainly starts an English sentence splits:
 * "…Downing St. The PM…", "…in Washington, D.C. He moved…", but "U.S. President", "St. Louis".
 */
export const ENDS_BEFORE_STARTER: ReadonlySet<string> = new Set(["St"]);

export const ENGLISH_SENTENCE_STARTERS: ReadonlySet<string> = new Set([
  "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "This", "That", "These", "Those", "There",
  "His", "Her", "Its", "Their", "Our", "My", "But", "And", "Yet", "So", "Then", "However", "Meanwhile",
  "After", "Before", "When", "While", "If", "As", "In", "On", "At", "For", "Some", "Many", "Most", "Both",
]);

/** Company suffixes and the words that follow them inside a name ("Apple Inc. CEO Tim Cook"). */
const COMPANY_NAME_GOES_ON: ReadonlySet<string> = new Set([
  "Ltd", "Limited", "Inc", "Corp", "Co", "Cos", "Plc", "LLC", "LLP", "AG", "KG", "GmbH", "SA", "NV", "BV", "SE",
  "Group", "Holdings", "Chairman", "Chairwoman", "Chair", "President", "Chief", "Founder", "Director",
  "Spokesman", "Spokeswoman", "Spokesperson",
]);

const WEEKDAYS_AND_MONTHS = [
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
  "Mon", "Tue", "Tues", "Wed", "Thu", "Thurs", "Fri", "Sat", "Sun",
  "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
  "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
];

/** What follows a clock time inside a sentence: "10 a.m. Monday", "9 p.m. Eastern". */
const CLOCK_GOES_ON: ReadonlySet<string> = new Set([
  ...WEEKDAYS_AND_MONTHS, "Eastern", "Pacific", "Central", "Mountain", "Atlantic", "Greenwich",
]);

/** Places named after a person with a suffix: "Martin Luther King Jr. Day". */
const JUNIOR_GOES_ON: ReadonlySet<string> = new Set([
  "Day", "Blvd", "Boulevard", "Avenue", "Ave", "Drive", "Street", "High", "School", "Memorial", "Park", "Bridge",
  "Library", "Center", "Centre", "Hall", "Airport", "Foundation",
]);

const NOTHING_GOES_ON: ReadonlySet<string> = new Set();

/** For an abbreviation that may end a sentence: which capitalised words after it continue the sentence instead. */
export type Continuation = {
  words: ReadonlySet<string>;
  /** An all-capitals word ("CEO", "EST", "AG") continues it too. */
  acronyms: boolean;
};

const COMPANY: Continuation = { words: COMPANY_NAME_GOES_ON, acronyms: true };
const CLOCK: Continuation = { words: CLOCK_GOES_ON, acronyms: true };
const JUNIOR: Continuation = { words: JUNIOR_GOES_ON, acronyms: false };
const LIST_END: Continuation = { words: NOTHING_GOES_ON, acronyms: false };

/**
 * Abbreviations that often end a sentence: "…pears, etc. The next day…" splits, "etc. and" does not.
 * A capitalised word after them starts a new sentence unless it continues the abbreviation.
 */
export const MAY_BE_FINAL: ReadonlyMap<string, Continuation> = new Map([
  ["etc", LIST_END], ["usw", LIST_END], ["ecc", LIST_END], ["u.Ä", LIST_END], ["J.-C", LIST_END],
  ["т.д", LIST_END], ["т.п", LIST_END], ["др", LIST_END], ["пр", LIST_END],
  ["млн", LIST_END], ["млрд", LIST_END], ["тыс", LIST_END], ["руб", LIST_END],
  ["Inc", COMPANY], ["Ltd", COMPANY], ["Co", COMPANY], ["Corp", COMPANY], ["S.p.A", COMPANY],
  ["a.m", CLOCK], ["p.m", CLOCK], ["A.M", CLOCK], ["P.M", CLOCK],
  ["Jr", JUNIOR],
]);

/** Abbreviations written as two words, matched on the text before the final dot ("и т. д."). */
export const SPACED_MAY_BE_FINAL: ReadonlyMap<string, Continuation> = new Map([
  ["т. д", LIST_END], ["т. п", LIST_END], ["u. Ä", LIST_END], ["u. s. w", LIST_END],
]);

/** Two-word abbreviations that never end a sentence ("p. ex. Paris"). */
export const SPACED_NEVER_FINAL: ReadonlySet<string> = new Set(["p. ex", "p. ej", "P. ex", "P. ej"]);

/** German compounds end in an abbreviation: "Hauptstr. 5", "Bahnhofstr. 12". */
export const ABBREVIATED_ENDINGS: readonly string[] = ["str"];

/**
 * Russian "г." is "year" after a number ("в 2020 г. Он уехал": may end) and "city" before a name
 * ("г. Москва": never ends).
 */
export const YEAR_AFTER_NUMBER: ReadonlySet<string> = new Set(["г", "гг"]);
export const YEAR_CONTINUATION: Continuation = LIST_END;

/** German months: "am 3. Oktober" is an ordinal date, not a sentence ending in 3. */
export const GERMAN_MONTHS: ReadonlySet<string> = new Set([
  "Januar", "Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
  "November", "Dezember", "Jan", "Feb", "Mär", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Okt", "Nov", "Dez",
]);

/** Nouns German numbers with an ordinal dot, seen in text whose language was not given ("im 19. Jahrhundert"). */
export const GERMAN_ORDINAL_NOUNS: ReadonlySet<string> = new Set([
  "Jahrhundert", "Jahrhunderts", "Jh", "Jhd", "Jhdt", "Jahrtausend", "Jahrestag", "Geburtstag", "Weltkrieg", "Weltkriegs",
  "Liga", "Bundesliga", "Platz", "Runde", "Spieltag", "Stock", "Etage", "Klasse", "Auflage", "Mal",
]);
