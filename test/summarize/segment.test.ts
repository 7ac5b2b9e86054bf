import { describe, expect, it } from "vitest";
import { splitParagraphs, splitSentences, splitSentencesByParagraph } from "../../src/summarize/segment.js";

type Case = [name: string, text: string, expected: string[]];

const check = (cases: readonly Case[], lang?: string) =>
  it.each(cases)("%s", (_name, text, expected) => {
    expect(splitSentences(text, lang)).toEqual(expected);
  });

describe("splitSentences: empty and whitespace", () => {
  check([
    ["empty text", "", []],
    ["only whitespace", "  \n\n \t \n", []],
    ["one sentence without a stop", "just some words", ["just some words"]],
    [
      "whitespace collapsed, no-break spaces included",
      "  Hello   world.\tThis  is\u00a0fine.  ",
      ["Hello world.", "This is fine."],
    ],
    ["CRLF line breaks", "First line ends here.\r\nSecond line starts here.", ["First line ends here.", "Second line starts here."]],
  ]);
});

describe("splitSentences: English", () => {
  check([
    [
      "titles never end a sentence",
      "Mr. and Mrs. Jones met Prof. Lee and Gen. Patton at St. Mary's. They talked.",
      ["Mr. and Mrs. Jones met Prof. Lee and Gen. Patton at St. Mary's.", "They talked."],
    ],
    [
      "ranks and offices",
      "Sen. Warren, Rep. Ocasio-Cortez, Gov. Newsom, Lt. Col. Smith, Capt. Hook, Sgt. Pepper and Rev. King spoke. Then they left.",
      ["Sen. Warren, Rep. Ocasio-Cortez, Gov. Newsom, Lt. Col. Smith, Capt. Hook, Sgt. Pepper and Rev. King spoke.", "Then they left."],
    ],
    [
      "Dr. before a name",
      "Dr. Smith arrived at 10.30 a.m. on Monday. He said hello.",
      ["Dr. Smith arrived at 10.30 a.m. on Monday.", "He said hello."],
    ],
    [
      "company names",
      "Shares of Apple Inc. rose. Acme Co. Ltd. and Widget Corp. did too. Warner Bros. Discovery fell.",
      ["Shares of Apple Inc. rose.", "Acme Co. Ltd. and Widget Corp. did too.", "Warner Bros. Discovery fell."],
    ],
    [
      "Inc. before a capitalised new sentence",
      "He works at Widget Corp. The company makes widgets. Apple Inc. CEO Tim Cook agreed.",
      ["He works at Widget Corp.", "The company makes widgets.", "Apple Inc. CEO Tim Cook agreed."],
    ],
    [
      "etc. at the end of a sentence",
      "He bought apples, pears, etc. The next day he sold them.",
      ["He bought apples, pears, etc.", "The next day he sold them."],
    ],
    ["etc. inside a sentence", "We sell fruit, vegetables, etc. and more. Come in.", ["We sell fruit, vegetables, etc. and more.", "Come in."]],
    [
      "country abbreviations",
      "The U.S. economy grew 3.5% in the second quarter. U.S. officials met U.K. and E.U. envoys at the U.N. Security Council.",
      [
        "The U.S. economy grew 3.5% in the second quarter.",
        "U.S. officials met U.K. and E.U. envoys at the U.N. Security Council.",
      ],
    ],
    [
      "e.g. and i.e., before lower case and capitals",
      "Use a tool, e.g. a hammer, i.e. something heavy. Visit a capital, e.g. Paris or Rome. It is fun.",
      ["Use a tool, e.g. a hammer, i.e. something heavy.", "Visit a capital, e.g. Paris or Rome.", "It is fun."],
    ],
    [
      "vs., approx. and No.",
      "Sales vs. last year rose approx. 5 per cent in store No. 5 of the chain. I said no. The vote stood.",
      ["Sales vs. last year rose approx. 5 per cent in store No. 5 of the chain.", "I said no.", "The vote stood."],
    ],
    [
      "clock times",
      "The meeting is at 9 a.m. Monday. It ends at 10 p.m. The doors open earlier.",
      ["The meeting is at 9 a.m. Monday.", "It ends at 10 p.m.", "The doors open earlier."],
    ],
    [
      "months and weekdays",
      "On Jan. 5 and Sept. 12 the board met. On Mon. Oct. 3 it voted. Dec. 24 is a holiday.",
      ["On Jan. 5 and Sept. 12 the board met.", "On Mon. Oct. 3 it voted.", "Dec. 24 is a holiday."],
    ],
    [
      "initials",
      "J. K. Rowling wrote it. George W. Bush said so. A. Einstein agreed.",
      ["J. K. Rowling wrote it.", "George W. Bush said so.", "A. Einstein agreed."],
    ],
    ["the pronoun I at the end", "I. M. Pei designed it. So did I. Then we left.", ["I. M. Pei designed it.", "So did I.", "Then we left."]],
    [
      "Jr. ends a sentence unless a name goes on",
      "Martin Luther King Jr. Day is a holiday. It honours Martin Luther King Jr. He was a pastor.",
      ["Martin Luther King Jr. Day is a holiday.", "It honours Martin Luther King Jr.", "He was a pastor."],
    ],
    [
      "decimals, versions and large numbers",
      "Prices rose 3.5% to 1.000.000 units in v2.0.1 of the report. Sales fell 0.5 points.",
      ["Prices rose 3.5% to 1.000.000 units in v2.0.1 of the report.", "Sales fell 0.5 points."],
    ],
    [
      "a year ends a sentence, a number can start one",
      "He was born in 1990. 25 years later he left.",
      ["He was born in 1990.", "25 years later he left."],
    ],
    [
      "addresses, e-mail and file names",
      "See example.com/page.html for more. Mail a@b.co today. Visit www.bbc.co.uk. Then open report.final.pdf now.",
      ["See example.com/page.html for more.", "Mail a@b.co today.", "Visit www.bbc.co.uk.", "Then open report.final.pdf now."],
    ],
    [
      "a quoted sentence keeps its closing quote",
      'He said "We will win." Then he left.',
      ['He said "We will win."', "Then he left."],
    ],
    ["a quoted question goes on in lower case", '"Is it over?" she asked.', ['"Is it over?" she asked.']],
    [
      "curly quotes",
      "She said, “It’s done.” Nobody answered. “Why?” he asked. “Because.”",
      ["She said, “It’s done.”", "Nobody answered.", "“Why?” he asked.", "“Because.”"],
    ],
    [
      "a bracketed sentence",
      "(See the chart.) The next chart is below. Prices fell (see chart). Then they rose.",
      ["(See the chart.)", "The next chart is below.", "Prices fell (see chart).", "Then they rose."],
    ],
    ["an ellipsis before lower case", "Wait... what happened?", ["Wait... what happened?"]],
    [
      "an ellipsis before a capital, both spellings",
      "It ended… The next morning was quiet. It ended... Nobody spoke… and then it rained.",
      ["It ended…", "The next morning was quiet.", "It ended...", "Nobody spoke… and then it rained."],
    ],
    ["repeated punctuation", "Really?! Yes. What?! No way!!! Fine.", ["Really?!", "Yes.", "What?!", "No way!!!", "Fine."]],
    [
      "U.S. and St. end a sentence before a plain sentence start",
      "In the U.S. The economy grew. U.S. President Biden spoke. They met at 10 Downing St. The PM was there. St. Louis won.",
      ["In the U.S.", "The economy grew.", "U.S. President Biden spoke.", "They met at 10 Downing St.", "The PM was there.", "St. Louis won."],
    ],
    [
      "degrees and places in capital initials",
      "She has a Ph.D. in physics. He lived in Washington, D.C. He moved to N.Y. in 2000.",
      ["She has a Ph.D. in physics.", "He lived in Washington, D.C.", "He moved to N.Y. in 2000."],
    ],
    ["a name starting in lower case", "The iPhone 15 launched. iPhone sales rose. eBay fell.", ["The iPhone 15 launched.", "iPhone sales rose.", "eBay fell."]],
    ["inline list numbers", "Steps: 1. Mix. 2. Bake. Done.", ["Steps: 1. Mix.", "2. Bake.", "Done."]],
    [
      "the abbreviation still counts in quotes",
      'He moved to the "U.S." Then he wrote. (Apple Inc.) Its rival.',
      ['He moved to the "U.S."', "Then he wrote.", "(Apple Inc.)", "Its rival."],
    ],
  ]);
});

describe("splitSentences: line breaks, headings and lists", () => {
  check([
    ["a heading line", "Key points\nThe council voted to approve the budget.", ["Key points", "The council voted to approve the budget."]],
    ["a heading paragraph", "Key points\n\nThe council voted.", ["Key points", "The council voted."]],
    [
      "two headings in a row",
      "Profile: Julian Assange\nTimeline of saga\nHe is held in London.",
      ["Profile: Julian Assange", "Timeline of saga", "He is held in London."],
    ],
    [
      "a caption between paragraphs",
      "The mayor spoke first.\nA protester holds a sign outside the town hall on Monday\nThe council voted later.",
      ["The mayor spoke first.", "A protester holds a sign outside the town hall on Monday", "The council voted later."],
    ],
    ["a paragraph break always ends a sentence", "It was Dr.\n\nSmith who came.", ["It was Dr.", "Smith who came."]],
    ["a line going on in lower case", "The council voted to\napprove the budget.", ["The council voted to approve the budget."]],
    ["a line ending with a comma", "Apples,\nPears and plums are fruit.", ["Apples, Pears and plums are fruit."]],
    [
      "a hard-wrapped paragraph keeps capitals after line breaks",
      "The council voted to approve the budget on Monday after a long\nDebate that lasted well into the night and ended with a narrow\nmajority for the mayor. The opposition walked out.",
      [
        "The council voted to approve the budget on Monday after a long Debate that lasted well into the night and ended with a narrow majority for the mayor.",
        "The opposition walked out.",
      ],
    ],
    [
      "a heading above a hard-wrapped paragraph",
      "Background\nThe council voted to approve the budget on Monday after a\nlong debate that lasted well into the night and ended with a\nnarrow majority.",
      [
        "Background",
        "The council voted to approve the budget on Monday after a long debate that lasted well into the night and ended with a narrow majority.",
      ],
    ],
    [
      "list items, with and without bullets",
      "Ingredients:\n- flour\n- sugar\n• eggs\n* milk\n1. Mix well.\n2) Bake.\n(3) Serve.",
      ["Ingredients:", "flour", "sugar", "eggs", "milk", "1. Mix well.", "2) Bake.", "(3) Serve."],
    ],
    [
      "a list item going on in the next line",
      "- a long item that\n  goes on here\n- next item\nThe end.",
      ["a long item that goes on here", "next item", "The end."],
    ],
    ["a lone bullet is no sentence", "•\n\nText.", ["Text."]],
    ["a minus sign is no bullet", "-5 °C tonight.\nWarmer tomorrow.", ["-5 °C tonight.", "Warmer tomorrow."]],
  ]);
});

describe("splitSentences: Russian", () => {
  check([
    [
      "т.е., т.д. and г. before a name",
      "Он приехал в г. Москва, т.е. в столицу, и т.д. Потом он уехал.",
      ["Он приехал в г. Москва, т.е. в столицу, и т.д.", "Потом он уехал."],
    ],
    [
      "г. after a year ends a sentence",
      "МГУ им. М. В. Ломоносова основан в 1755 г. Это старейший вуз. В 1990 г. в Москве открылся McDonald's.",
      ["МГУ им. М. В. Ломоносова основан в 1755 г.", "Это старейший вуз.", "В 1990 г. в Москве открылся McDonald's."],
    ],
    [
      "addresses and amounts",
      "Проф. Иванов живёт на ул. Ленина, д. 5. Бюджет составил 5 млн. руб. и 2 млрд. долларов, см. стр. 4 и др. Затем он ушёл.",
      ["Проф. Иванов живёт на ул. Ленина, д. 5.", "Бюджет составил 5 млн. руб. и 2 млрд. долларов, см. стр. 4 и др.", "Затем он ушёл."],
    ],
    ["spaced т. д.", "Мы купили хлеб, молоко и т. д. Потом пошли домой.", ["Мы купили хлеб, молоко и т. д.", "Потом пошли домой."]],
    ["guillemets", "Он сказал: «Мы победим». Потом ушёл.", ["Он сказал: «Мы победим».", "Потом ушёл."]],
    ["a phone number", "Тел. 555-12-34. Звоните.", ["Тел. 555-12-34.", "Звоните."]],
    ["dialogue dash after a quote", "«Мы победим!» — сказал он. — Правда?", ["«Мы победим!» — сказал он.", "— Правда?"]],
  ]);
});

describe("splitSentences: German", () => {
  check([
    [
      "ordinal dates and z.B./d.h.",
      "Am 3. Oktober feiern wir z.B. den Tag der Einheit, d.h. einen Feiertag. Das ist schön.",
      ["Am 3. Oktober feiern wir z.B. den Tag der Einheit, d.h. einen Feiertag.", "Das ist schön."],
    ],
    [
      "ordinal centuries, streets and usw.",
      "Im 19. Jahrhundert lebte Dr. Müller in der Goethe-Str. 5 und der Hauptstr. 7 usw. Er war Prof. an der Uni.",
      ["Im 19. Jahrhundert lebte Dr. Müller in der Goethe-Str. 5 und der Hauptstr. 7 usw.", "Er war Prof. an der Uni."],
    ],
    [
      "amounts and references",
      "Der Umsatz lag bei ca. 5 Mio. Euro bzw. 3 Mrd. Franken, vgl. Nr. 7 der Liste. Ggf. ändert sich das, evtl. sogar sog. Boni.",
      ["Der Umsatz lag bei ca. 5 Mio. Euro bzw. 3 Mrd. Franken, vgl. Nr. 7 der Liste.", "Ggf. ändert sich das, evtl. sogar sog. Boni."],
    ],
    ["„“ quotes", "Er sagte: „Wir gewinnen.“ Dann ging er.", ["Er sagte: „Wir gewinnen.“", "Dann ging er."]],
    ["»« quotes", "Sie rief: »Komm!« Dann lief sie. Im 18. Jh. u.a. in Wien.", ["Sie rief: »Komm!«", "Dann lief sie.", "Im 18. Jh. u.a. in Wien."]],
    ["a year ends a sentence", "Das war 2019. Dann kam Corona.", ["Das war 2019.", "Dann kam Corona."]],
  ]);

  describe("with lang de, every ordinal holds", () => {
    check(
      [
        [
          "clubs and leagues",
          "Der 1. FC Köln spielt in der 2. Bundesliga. Das ist bitter. Das war 2019. Dann kam Corona.",
          ["Der 1. FC Köln spielt in der 2. Bundesliga.", "Das ist bitter.", "Das war 2019.", "Dann kam Corona."],
        ],
      ],
      "de-AT",
    );
  });
});

describe("splitSentences: French", () => {
  check([
    [
      "titles, env., p. ex., Ste. and etc.",
      "M. Dupont et Mme. Martin ont rencontré MM. Durand et Mlle. Petit. Ils ont parlé env. deux heures, p. ex. de la Ste. Chapelle, etc. Puis ils sont partis.",
      [
        "M. Dupont et Mme. Martin ont rencontré MM. Durand et Mlle. Petit.",
        "Ils ont parlé env. deux heures, p. ex. de la Ste. Chapelle, etc.",
        "Puis ils sont partis.",
      ],
    ],
    ["p. ex. before a capital", "Une ville, p. ex. Paris, est chère. Lyon aussi.", ["Une ville, p. ex. Paris, est chère.", "Lyon aussi."]],
    [
      "spaced guillemets",
      "Il a dit : « Nous gagnerons. » Puis il est parti.",
      ["Il a dit : « Nous gagnerons. »", "Puis il est parti."],
    ],
    [
      "a question inside guillemets with narrow no-break spaces",
      "\u00ab\u202fVraiment\u202f?\u202f\u00bb demanda-t-elle. Oui\u00a0!",
      ["« Vraiment ? » demanda-t-elle.", "Oui !"],
    ],
    ["an elided article before art.", "Voir l'art. 6 du code. Il est clair.", ["Voir l'art. 6 du code.", "Il est clair."]],
    ["av. J.-C.", "César est mort en 44 av. J.-C. Son fils adoptif lui succéda.", ["César est mort en 44 av. J.-C.", "Son fils adoptif lui succéda."]],
  ]);
});

describe("splitSentences: Spanish", () => {
  check([
    ["¿? and ¡!", "¿Qué hora es? Son las tres. ¡Qué tarde! ¿Y tú?", ["¿Qué hora es?", "Son las tres.", "¡Qué tarde!", "¿Y tú?"]],
    [
      "titles, EE.UU. and aprox.",
      "El Sr. García y la Sra. López visitaron EE.UU. en 2020, aprox. dos semanas. Ud. no lo sabía. La Dra. Pérez y la Srta. Gómez, tampoco.",
      [
        "El Sr. García y la Sra. López visitaron EE.UU. en 2020, aprox. dos semanas.",
        "Ud. no lo sabía.",
        "La Dra. Pérez y la Srta. Gómez, tampoco.",
      ],
    ],
    ["EE. UU. with a space", "Viajó a EE. UU. la semana pasada. Volvió ayer.", ["Viajó a EE. UU. la semana pasada.", "Volvió ayer."]],
    ["pág. and etc.", "Véase la pág. 5 del informe, etc. Luego hablamos.", ["Véase la pág. 5 del informe, etc.", "Luego hablamos."]],
    ["dialogue", "—¿Vienes? —preguntó ella. «¿Vienes?», repitió.", ["—¿Vienes? —preguntó ella.", "«¿Vienes?», repitió."]],
  ]);
});

describe("splitSentences: Portuguese", () => {
  check([
    [
      "titles, pág., p. ex. and nº",
      "O Sr. Silva e a Dra. Costa leram a pág. 10, p. ex. o capítulo nº 3 e o n.º 4, etc. Depois saíram.",
      ["O Sr. Silva e a Dra. Costa leram a pág. 10, p. ex. o capítulo nº 3 e o n.º 4, etc.", "Depois saíram."],
    ],
    ["curly quotes", "Ele disse: “Vamos vencer.” Depois saiu. A reunião foi às 10h. Não houve acordo.", [
      "Ele disse: “Vamos vencer.”",
      "Depois saiu.",
      "A reunião foi às 10h.",
      "Não houve acordo.",
    ]],
  ]);
});

describe("splitSentences: Italian", () => {
  check([
    [
      "titles and ecc.",
      "Il Sig. Rossi e la Sig.ra Bianchi hanno incontrato il dott. Verdi, il Prof. Neri ecc. Poi sono partiti.",
      ["Il Sig. Rossi e la Sig.ra Bianchi hanno incontrato il dott. Verdi, il Prof. Neri ecc.", "Poi sono partiti."],
    ],
    [
      "pag., ca. and a quoted exclamation",
      "Vedi pag. 12, ca. metà capitolo. «Andiamo!» disse Marco. «Sì.» Poi uscì.",
      ["Vedi pag. 12, ca. metà capitolo.", "«Andiamo!» disse Marco.", "«Sì.»", "Poi uscì."],
    ],
  ]);
});

describe("splitSentences: Japanese", () => {
  check([
    [
      "「」 keeps its closing bracket and goes on with a particle",
      "彼は「こんにちは。」と言った。次の日、雨が降った！本当に？はい。",
      ["彼は「こんにちは。」と言った。", "次の日、雨が降った！", "本当に？", "はい。"],
    ],
    ["quote after quote", "「行こう。」「うん。」", ["「行こう。」", "「うん。」"]],
    ["『』 before a particle", "ＡＢＣ社の『新製品。』が出た。", ["ＡＢＣ社の『新製品。』が出た。"]],
    ["decimals and versions", "これはv2.0です。東京は3.5度でした。", ["これはv2.0です。", "東京は3.5度でした。"]],
    ["full-width runs", "えっ？！うそ！！", ["えっ？！", "うそ！！"]],
  ]);
});

describe("splitSentences: Chinese", () => {
  check([
    [
      "quotes, ！ and ？",
      "他说：“我们会赢。”然后他走了。今天天气很好！你呢？",
      ["他说：“我们会赢。”", "然后他走了。", "今天天气很好！", "你呢？"],
    ],
    ["decimals", "价格上涨了3.5%。这是第一句。", ["价格上涨了3.5%。", "这是第一句。"]],
    ["ASCII question mark between sentences", "真的吗?是的。", ["真的吗?", "是的。"]],
    ["a heading line", "要点\n议会通过了预算。", ["要点", "议会通过了预算。"]],
  ]);
});

describe("splitSentencesByParagraph and splitParagraphs", () => {
  it("groups sentences by paragraph", () => {
    expect(splitSentencesByParagraph("One. Two.\n\nThree.\n\n\n")).toEqual([["One.", "Two."], ["Three."]]);
  });
  it("splits paragraphs at blank lines and collapses the rest", () => {
    expect(splitParagraphs("A\nb  c\n \t\nD\u2029E")).toEqual(["A b c", "D", "E"]);
  });
});

/** A small deterministic generator, so that a failure can be replayed. */
function randomText(seed: number, length: number): string {
  const pieces = [
    "a", "B", "word", "Dr", "etc", "U.S", "3", "2020", "é", "Ж", "中", "。", "「", "」", ".", "...", "…", "?", "!",
    "?!", "\"", "“", "”", "«", "»", "„", "(", ")", " ", " ", " ", "\n", "\n\n", "- ", "1. ", "•", "¿", "\u00a0", "🎉",
  ];
  let state = seed;
  let out = "";
  while (out.length < length) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    out += pieces[state % pieces.length];
  }
  return out;
}

describe("splitSentences: robustness", () => {
  const collapse = (s: string) => s.replace(/\s+/g, " ");

  it.each([1, 2, 3, 4, 5, 6, 7, 8])("random text %i: trimmed, non-empty slices of the text", (seed) => {
    const text = randomText(seed, 5_000);
    const flat = collapse(text);
    for (const sentence of splitSentences(text)) {
      expect(sentence.length).toBeGreaterThan(0);
      expect(sentence).toBe(sentence.trim());
      expect(flat.includes(sentence)).toBe(true);
    }
  });

  it("loses no words and keeps their order", () => {
    const text = "Dr. Smith came. He left!\n\nKey points\nThe U.S. won… Then? Yes.「はい。」と言った。";
    expect(collapse(splitSentences(text).join(" "))).toBe(collapse(text).trim());
  });

  const hostile: [string, string][] = [
    ["1 MB without punctuation", "word ".repeat(200_000)],
    ["100,000 dots", ".".repeat(100_000)],
    ["100,000 spaced dots", ". ".repeat(100_000)],
    ["100,000 initials", "A. ".repeat(100_000)],
    ["100,000 short sentences", "Ab. ".repeat(100_000)],
    ["1 MB of opening brackets after a stop", `End. ${"(".repeat(1_000_000)}`],
    ["1 MB word before a stop", `${"x".repeat(1_000_000)}. Next`],
    ["100,000 lines without stops", "Heading\n".repeat(100_000)],
    ["100,000 list items", "- item\n".repeat(100_000)],
    ["1 MB of closing quotes", `Yes.${"\u201d".repeat(1_000_000)} No`],
  ];

  it.each(hostile)("%s: finishes well within the bound", (_name, text) => {
    const started = performance.now();
    const sentences = splitSentences(text);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2_000);
    expect(sentences.every((s) => s.length > 0)).toBe(true);
  });

  it("keeps a text of only dots whole", () => {
    expect(splitSentences(".".repeat(100_000))).toEqual([".".repeat(100_000)]);
  });

  it("never throws on odd input", () => {
    const odd = ["\u0000", "\ud800.", ". \udfff", "…", "?", "「", "」。", "-", "1.", "(", "\u2028\u2029", "»", " . "];
    for (const text of odd) expect(() => splitSentences(text, "xx")).not.toThrow();
    expect(splitSentences(null as unknown as string)).toEqual([]);
  });
});
