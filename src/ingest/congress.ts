/**
 * Sessions of people's congresses, CPPCC committees and party congresses, as
 * titles and subtitles name them, and the years they met.
 *
 * A resolution (第十三届全国人民代表大会第二次会议关于政府工作报告的决议), a
 * work report delivered at a session (——2019年3月5日在第十三届全国人民代表大会
 * 第二次会议上) or a party congress report (在中国共产党第九次全国代表大会上的
 * 报告) says which body met, at which level and where; the national ones also
 * say when, through the tables below. Local sessions are not tabulated (each
 * province, city and county has its own cycle): their year comes from the
 * dates the text gives next to the session.
 *
 * Input is Simplified text (see simplify.ts); Chinese numerals as in 第十三届,
 * 十四届全国人大二次会议, 党的二十大.
 *
 * ### Examples
 * ```ts
 * findSession('第十三届全国人民代表大会第二次会议关于政府工作报告的决议')
 * // => {kind:'npc', national:true, term:13, meeting:2, year:2019, place:null, …}
 * findSession('在中国共产党湖北省第十二次代表大会上的报告')
 * // => {kind:'party', national:false, term:12, place:'湖北省', year:null, …}
 * ```
 */
import { cnNumber } from './dates.js';

export type SessionKind = 'npc' | 'cppcc' | 'party';

export interface Session {
  kind: SessionKind;
  /** A national body (全国人民代表大会, 全国委员会, 全国代表大会). */
  national: boolean;
  /** Text naming the place of a local body (湖北省, 黄冈市红安县), or null. */
  place: string | null;
  /** 第N届 (people's congress, CPPCC) or 第N次 (party congress). */
  term: number | null;
  /** 第M次会议 of a term; null for a standing committee or when not given. */
  meeting: number | null;
  /** A standing committee's meeting (常务委员会第M次会议): not one of the yearly sessions. */
  standing: boolean;
  /** Year from the tables for a national session; null otherwise. */
  year: number | null;
  /** The matched words and where they start. */
  text: string;
  index: number;
}

// ---------------------------------------------------------------- year tables

/**
 * Years of the sessions (第M次会议) of each National People's Congress.
 * From the 5th NPC on, one session a year from the term's first year; the
 * 1st–4th NPCs met irregularly (no session in 1961; the 3rd NPC met once, in
 * Dec 1964–Jan 1965; the 4th once, in Jan 1975).
 *
 * | NPC | sessions |
 * |---|---|
 * | 1st | 1954 1955 1956 1957 1958 |
 * | 2nd | 1959 1960 1962 1963 |
 * | 3rd | 1964 |
 * | 4th | 1975 |
 * | 5th | 1978 1979 1980 1981 1982 |
 * | Nth, N ≥ 6 | 1983 + 5(N − 6) + (M − 1): 6th 1983–1987 … 13th 2018–2022, 14th 2023– |
 */
const NPC_EARLY: Record<number, number[]> = {
  1: [1954, 1955, 1956, 1957, 1958],
  2: [1959, 1960, 1962, 1963],
  3: [1964],
  4: [1975],
  5: [1978, 1979, 1980, 1981, 1982],
};

/** First year of the Nth NPC (the year of its first session). */
export function npcTermStart(term: number): number | null {
  if (NPC_EARLY[term]) return NPC_EARLY[term][0];
  if (term >= 6 && term <= 30) return 1983 + 5 * (term - 6);
  return null;
}

/** Year of the Mth session of the Nth NPC, or null when there was no such session (or it lies in the future). */
export function npcSessionYear(term: number, meeting: number): number | null {
  if (NPC_EARLY[term]) return NPC_EARLY[term][meeting - 1] ?? null;
  const start = npcTermStart(term);
  if (start === null || meeting < 1 || meeting > 5) return null;
  return start + meeting - 1;
}

/**
 * Sessions of the CPPCC National Committee. The 1st committee met in 1949
 * (with the plenary session that founded the PRC), 1950, 1951 and 1953; from
 * the 2nd committee on, each meets alongside an NPC: the 2nd with the 1st NPC
 * (1954 Dec, 1956, 1957, 1958), the 3rd with the 2nd NPC, the 4th with the 3rd
 * (Dec 1964), and from the 5th committee on with the NPC of the same number.
 */
const CPPCC_EARLY: Record<number, number[]> = {
  1: [1949, 1950, 1951, 1953],
  2: [1954, 1956, 1957, 1958],
  3: [1959, 1960, 1962, 1963],
  4: [1964],
};

export function cppccSessionYear(term: number, meeting: number): number | null {
  if (CPPCC_EARLY[term]) return CPPCC_EARLY[term][meeting - 1] ?? null;
  return term >= 5 ? npcSessionYear(term, meeting) : null;
}

/** National Congresses of the Communist Party of China (中国共产党第N次全国代表大会). */
export const PARTY_CONGRESS_YEARS: Readonly<Record<number, number>> = {
  1: 1921,
  2: 1922,
  3: 1923,
  4: 1925,
  5: 1927,
  6: 1928,
  7: 1945,
  8: 1956,
  9: 1969,
  10: 1973,
  11: 1977,
  12: 1982,
  13: 1987,
  14: 1992,
  15: 1997,
  16: 2002,
  17: 2007,
  18: 2012,
  19: 2017,
  20: 2022,
};

// ---------------------------------------------------------------- finding sessions

const N = '[一二三四五六七八九十百零〇\\d]{1,4}';
/** A place before a local body: Chinese characters that are not part of a sentence. */
const PLACE = '[\\u4e00-\\u9fa5]{2,24}?';

interface Pattern {
  kind: SessionKind;
  national: boolean;
  re: RegExp;
}

// Named groups: place, term, meeting, sc (standing committee).
const PATTERNS: Pattern[] = [
  // National people's congress
  { kind: 'npc', national: true, re: new RegExp(`(?:中华人民共和国)?第?(?<term>${N})届全国人民代表大会(?<sc>常务委员会)?(?:第(?<meeting>${N})次(?:全体)?会议)?`) },
  { kind: 'npc', national: true, re: new RegExp(`(?<term>${N})届全国人大(?<sc>常委会)?(?:第?(?<meeting>${N})次会议)?`) },
  // CPPCC National Committee
  { kind: 'cppcc', national: true, re: new RegExp(`(?:中国人民政治协商会议|政协)第?(?<term>${N})届全国委员会(?<sc>常务委员会)?(?:第(?<meeting>${N})次(?:全体)?会议)?`) },
  { kind: 'cppcc', national: true, re: new RegExp(`全国政协第?(?<term>${N})届(?<sc>常委会)?(?:第?(?<meeting>${N})次会议)?`) },
  // Party national congress; a plenary session of its Central Committee (year from the text's dates)
  { kind: 'party', national: true, re: new RegExp(`中国共产党第(?<term>${N})次全国代表大会`) },
  { kind: 'party', national: true, re: new RegExp(`(?:中国共产党|中共)第(?<term>${N})届中央委员会(?<sc>第(?<meeting>${N})次全体会议)`) },
  { kind: 'party', national: true, re: new RegExp(`(?:党的|中共)(?<term>${N})大(?![^，。]{0,2}[会队])`) },
  // Local people's congress: 湖北省第十四届人民代表大会第二次会议, 省十四届人大二次会议
  { kind: 'npc', national: false, re: new RegExp(`(?<place>${PLACE})第(?<term>${N})届人民代表大会(?<sc>常务委员会)?(?:第(?<meeting>${N})次(?:全体)?会议)?`) },
  { kind: 'npc', national: false, re: new RegExp(`(?<place>${PLACE})(?<term>${N})届人大(?<sc>常委会)?(?:第?(?<meeting>${N})次会议)?`) },
  // Local CPPCC: 中国人民政治协商会议湖北省第十三届委员会第二次会议, 政协红安县第十届委员会
  { kind: 'cppcc', national: false, re: new RegExp(`(?:中国人民政治协商会议|政协)(?<place>${PLACE})第(?<term>${N})届委员会(?<sc>常务委员会)?(?:第(?<meeting>${N})次(?:全体)?会议)?`) },
  { kind: 'cppcc', national: false, re: new RegExp(`(?<place>${PLACE})政协(?<term>${N})届(?<sc>常委会)?(?:第?(?<meeting>${N})次会议)?`) },
  // Local party congress: 中国共产党湖北省第十二次代表大会, 中共红安县第十五次代表大会
  { kind: 'party', national: false, re: new RegExp(`(?:中国共产党|中共)(?<place>${PLACE})第(?<term>${N})次代表大会`) },
];

/** Words that can stand before a local body in a sentence but are not its place. */
const PLACE_LEAD = /^(?:在|于|关于|出席|列席|经|由|向|对|根据|按照|召开|举行|隆重召开|胜利召开|代表|报告|上的|——)+/;

function num(s: string | undefined): number | null {
  if (!s) return null;
  const n = cnNumber(s);
  return n !== null && n > 0 && n < 100 ? n : null;
}

/**
 * The first session, congress or committee named in `text` (Simplified), or null.
 * National bodies are preferred over local ones found later in the text.
 */
export function findSession(text: string): Session | null {
  let best: Session | null = null;
  for (const p of PATTERNS) {
    const m = p.re.exec(text);
    if (!m || !m.groups) continue;
    const term = num(m.groups.term);
    if (term === null) continue;
    let place: string | null = null;
    let index = m.index;
    let matched = m[0];
    if (!p.national) {
      // The place is the tail of the characters before the body, after words such as 在/关于.
      place = (m.groups.place ?? '').replace(/^.*?(?:[\d一二三四五六七八九十〇]+日|日(?=在|于))/, '').replace(PLACE_LEAD, '');
      const cut = m[0].indexOf(place);
      index = m.index + (cut >= 0 ? cut : 0);
      matched = cut >= 0 ? m[0].slice(cut) : m[0];
      if (place.length < 1 || /全国/.test(place)) continue;
    }
    const meeting = num(m.groups.meeting);
    const standing = Boolean(m.groups.sc);
    let year: number | null = null;
    if (p.national && !standing) {
      if (p.kind === 'party') year = PARTY_CONGRESS_YEARS[term] ?? null;
      else if (meeting !== null) year = p.kind === 'npc' ? npcSessionYear(term, meeting) : cppccSessionYear(term, meeting);
    }
    const s: Session = { kind: p.kind, national: p.national, place, term, meeting, standing, year, text: matched, index };
    if (!best || s.index < best.index) best = s;
  }
  return best;
}
