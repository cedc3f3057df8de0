// Package loaders is ingestion: it reads the input formats (a YAML codebook, a
// CSV manifest of policy texts in .txt (UTF-8, UTF-16, GB18030/GBK), .docx or
// .html, CSV codings of quoted passages, REFI-QDA projects), cuts texts into
// sentences, checks everything, and writes through graph/. It imports the
// standard library, the root package policykb, graph, refiqda, go.yaml.in/yaml/v3 and
// golang.org/x/text and x/net/html for decoding.
// (GraphQL's per-request batching lives in resolvers/ as "dataloaders".)
//
// Validate reads and checks a whole Input before anything is written and
// reports every problem it finds (Problems), each with its file and line; Load
// writes only what validated. Writes are idempotent: sentence ids are
// policykb.SentenceID(documentID, index) and segmentation is deterministic,
// so loading the same input twice changes nothing.
//
// # Segmentation
//
// Segment works on the stored text: UTF-8, BOM stripped, CRLF and CR turned
// into LF. Offsets are code points; a unit never begins or ends with
// whitespace (Unicode White_Space, which includes the ideographic space
// U+3000, plus U+FEFF and U+200B). A unit's Text is its span with each line
// break inside it, and the whitespace around it, removed when the
// character before or after it is wide (Han, kana, full-width punctuation:
// Chinese has no spaces between words) and replaced by one space otherwise
// (Latin, Cyrillic, digits: words stay apart).
//
// Lines. Whitespace-only lines are blank. A blank line ends the unit being
// built (paragraphs never run into each other). A line that does not end a
// unit runs on into the next line, which is joined to it, unless the next
// line opens with a heading marker. A unit also ends at the end of a line
// whose last character is a colon (：or :), so that salutations
// (各区人民政府：) and "通知如下：" lines stand alone.
//
// Terminators. A sentence ends after 。！？；｡ and ASCII ! ? ; always, and
// after . or ． unless
//   - it has a dot beside it (an ellipsis ...),
//   - both neighbours are ASCII letters or digits (3.5, www.x.gov.cn, v1.2),
//   - it follows a digit and is followed by something other than whitespace or
//     the end of the line (an inline enumerator: 1.加强 2．完善).
//
// Nothing inside a URL ends a sentence: a run of URL characters that starts
// with http://, https:// or www. (trailing . , ; : ! ? ' ] excluded).
// Consecutive terminators, and the closing quotes and brackets after them
// (” ’ 」 』 ） ) 】 〕 》 〉 ] } and a straight quote " ' when the sentence
// holds an odd number of them), stay with the sentence, also when they open
// the next line. Whitespace after a sentence is skipped.
//
// Heading markers, at the start of a line: 一、 十二、 (also 一． 一.); （一）
// (一) （1） (12) with at most two digits; 1、 1. 1． (one or two digits, not
// followed by a digit, so 3.5亿元 is not a marker); 1.1 and 2.3.1 when
// followed by whitespace; 第…章 第…节 第…编 第…部分 第…条 with Chinese
// numerals or digits. Full-width digits count as digits.
//
// Headings (kind HEADING):
//   - a marker line with no terminator after its marker is a heading, unless
//     it ends in ， , 、 — - or an opening bracket or quote, or the next line
//     opens with punctuation that cannot begin a unit (， 。 、 ） ” ...): then
//     it is a sentence hard-wrapped after its first line;
//   - a run-in heading: when the first terminator after a marker is 。 (or .
//     ．) and the title between the marker and it is at most 20 code points,
//     the marker, title and terminator (plus closing quotes) are a heading and
//     the rest of the line is cut into sentences, as in "（一）健全组织架构。
//     在市政府统筹下，…". A longer title makes the whole thing a sentence. An
//     article (第…条) is never a run-in heading: its first sentence is a
//     sentence;
//   - a title line: a line that starts a unit, has no marker, is at most 50
//     code points, has no terminator and no comma (，, or , other than a
//     thousands separator), does not end in a colon or in ， , 、 — - or an
//     opening bracket, is not followed by a line that opens with punctuation
//     that cannot begin a unit, and stands first or last in its paragraph:
//     the line before it is blank (or it is the document's first line) or
//     was itself taken as a title line, or the line after it is blank,
//     absent or opens with a marker. This takes the document title (also on
//     two lines) and signature and date lines; any other line inside a
//     paragraph is hard-wrapped text and is joined. Known limit: the first
//     line of a hard-wrapped paragraph that holds no comma or terminator
//     reads as a title.
//
// # Codings
//
// A coding row's quote is located in the document text exactly; failing
// that, ignoring all whitespace on both sides (NVivo's copy loses hard line
// breaks), keeping the original offsets. The coding applies to every SENTENCE
// unit the passage overlaps; a HEADING unit only when the passage lies inside
// it (and a passage that overlaps only headings codes each of them). The
// coding keeps the passage's Start and End unless the passage is exactly one
// whole unit.
package loaders
