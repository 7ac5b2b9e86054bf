import { createRequire } from "node:module";

/**
 * Per-language word handling for scoring: a stemmer and stop words from `natural`'s own
 * submodules (its main entry costs half a second and reads a `.env` of its own), loaded on
 * first use of each language.
 */
export type Language = {
  code: string;
  stem: (word: string) => string;
  stopwords: ReadonlySet<string>;
  /** Scripts without spaces between words are cut into words by Intl.Segmenter. */
  segmentWords: boolean;
};

const require = createRequire(import.meta.url);
const NATURAL = "natural/lib/natural";

type Stemmer = { stem: (word: string) => string };

/** natural has no German stop-word list: the most frequent function words of German. */
const GERMAN_STOPWORDS =
  "aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes anders auch auf aus bei bin bis bist da damit dann das dass dasselbe dazu dein deine deinem deinen deiner dem demselben den denn der derer derselbe derselben des desselben dessen dich die dies diese dieselbe dieselben diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines einig einige einigem einigen einiger einiges einmal er es etwas euch euer eure eurem euren eurer für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können könnte machen man manche manchem manchen mancher manches mein meine meinem meinen meiner meines mich mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie sind so solche solchem solchen solcher solches soll sollte sondern sonst über um und uns unsere unserem unseren unser unseres unter viel vom von vor während war waren warst was weg weil weiter welche welchem welchen welcher welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen";

type Spec = { stemmer?: string; stopwords?: string; extraStopwords?: string; segmentWords?: boolean };

const SPECS: Record<string, Spec> = {
  en: { stemmer: "porter_stemmer", stopwords: "stopwords" },
  de: { stemmer: "porter_stemmer_de", extraStopwords: GERMAN_STOPWORDS },
  fr: { stemmer: "porter_stemmer_fr", stopwords: "stopwords_fr" },
  es: { stemmer: "porter_stemmer_es", stopwords: "stopwords_es" },
  pt: { stemmer: "porter_stemmer_pt", stopwords: "stopwords_pt" },
  it: { stemmer: "porter_stemmer_it", stopwords: "stopwords_it" },
  ru: { stemmer: "porter_stemmer_ru", stopwords: "stopwords_ru" },
  nl: { stemmer: "porter_stemmer_nl", stopwords: "stopwords_nl" },
  ja: { stopwords: "stopwords_ja", segmentWords: true },
  zh: { stopwords: "stopwords_zh", segmentWords: true },
  ko: { segmentWords: true },
};

const loaded = new Map<string, Language>();
const identity = (w: string) => w;

/** The primary subtag, lower-cased: "pt-BR" → "pt". */
export const baseLanguage = (tag: string | null | undefined): string => (tag ?? "").toLowerCase().split(/[-_]/)[0] ?? "";

/** Longer than any word of the languages stemmed ("Donaudampfschifffahrtsgesellschaftskapitän" is 42). */
export const MAX_STEMMED_CHARS = 64;

/**
 * Stems remembered per language: text repeats its words (Zipf), and natural's stemmers cost
 * microseconds a word — most of a digest's time on a long article. Bounded: a page of a million
 * distinct words empties the cache rather than growing it.
 */
const STEM_CACHE_ENTRIES = 50_000;

function memoized(stem: (w: string) => string): (w: string) => string {
  const cache = new Map<string, string>();
  return (w) => {
    let s = cache.get(w);
    if (s === undefined) {
      if (cache.size >= STEM_CACHE_ENTRIES) cache.clear();
      s = stem(w);
      cache.set(w, s);
    }
    return s;
  };
}

export function languageFor(tag: string | null | undefined): Language {
  const requested = baseLanguage(tag);
  const code = requested in SPECS ? requested : "en";
  const cached = loaded.get(code);
  if (cached) return cached;
  const spec = SPECS[code]!;
  const stemmer = spec.stemmer ? (require(`${NATURAL}/stemmers/${spec.stemmer}.js`) as Stemmer) : null;
  const words = spec.stopwords ? (require(`${NATURAL}/util/${spec.stopwords}.js`) as { words: string[] }).words : [];
  const stopwords = new Set([...words, ...(spec.extraStopwords?.split(" ") ?? [])].map((w) => w.toLowerCase()));
  const language: Language = {
    code,
    // natural's stemmers take quadratic time on long runs such as "1111…1x" (seconds at 20,000
    // characters); no word of any language is that long, so such a token is kept as it is.
    stem: stemmer ? memoized((w) => (w.length > MAX_STEMMED_CHARS ? w : stemmer.stem(w))) : identity,
    stopwords,
    segmentWords: spec.segmentWords === true,
  };
  loaded.set(code, language);
  return language;
}

/** A guess from the script and the commonest function words, for text that does not say its language. */
export function detectLanguage(text: string): string {
  const sample = text.slice(0, 3_000);
  const count = (re: RegExp) => sample.match(re)?.length ?? 0;
  const kana = count(/[\u3040-\u30ff]/g);
  const han = count(/[\u4e00-\u9fff]/g);
  const hangul = count(/[\uac00-\ud7af]/g);
  const cyrillic = count(/[\u0400-\u04ff]/g);
  const latin = count(/[a-zA-Z]/g);
  if (kana > 20) return "ja";
  if (han > 50 && han > latin) return "zh";
  if (hangul > 50) return "ko";
  if (cyrillic > latin) return "ru";
  const words = sample.toLowerCase().match(/\p{L}+/gu) ?? [];
  const markers: Record<string, string[]> = {
    en: ["the", "and", "of", "to", "is", "that", "with"],
    de: ["der", "die", "und", "das", "ist", "nicht", "mit"],
    fr: ["le", "la", "les", "et", "des", "est", "une"],
    es: ["el", "la", "los", "y", "que", "del", "una"],
    pt: ["o", "os", "e", "que", "do", "da", "uma", "não"],
    it: ["il", "la", "che", "di", "e", "per", "una", "non"],
    nl: ["de", "het", "en", "van", "een", "niet", "dat"],
  };
  let best = "en";
  let bestHits = 0;
  for (const [code, list] of Object.entries(markers)) {
    const set = new Set(list);
    const hits = words.reduce((n, w) => n + (set.has(w) ? 1 : 0), 0);
    if (hits > bestHits) {
      best = code;
      bestHits = hits;
    }
  }
  return best;
}
