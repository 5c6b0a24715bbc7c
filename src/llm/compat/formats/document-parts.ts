import type { DocumentPart } from '../../providers/llm-provider';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** "%PDF-" in base64: every PDF starts with it */
const PDF_MAGIC = 'JVBERi0';

/** Why base64 `data` is no PDF the providers would read, or undefined when it is one. */
export function pdfDataProblem(data: string): string | undefined {
  if (data === '') return 'the document data is empty';
  if (!BASE64.test(data)) return 'the document data is not base64';
  if (!data.startsWith(PDF_MAGIC)) return 'the document data is not a PDF (a PDF file starts with %PDF-)';
  return undefined;
}

/**
 * A PDF sent as a file's data (OpenAI's `file_data`): a `data:application/pdf;base64,` URL, as OpenAI
 * takes it, or the bare base64. The base64, or why it is no PDF.
 */
export function pdfFileData(value: string): { data: string } | { problem: string } {
  const prefix = /^data:([^;,]*);base64,/i.exec(value);
  if (value.startsWith('data:') && (!prefix || prefix[1].toLowerCase() !== 'application/pdf')) {
    return { problem: `expected a PDF as a data:application/pdf;base64,… URL${prefix ? `, not ${prefix[1] || 'no media type'}` : ''}` };
  }
  const data = prefix ? value.slice(prefix[0].length) : value;
  const problem = pdfDataProblem(data);
  return problem ? { problem } : { data };
}

/** Why a document URL is not one a provider would fetch (an http(s) URL), or undefined. */
export function documentUrlProblem(url: string): string | undefined {
  if (!/^https?:\/\//i.test(url)) return 'expected an http(s) URL of a PDF';
  return URL.canParse(url) ? undefined : 'not a valid URL';
}

/** A document part, with its file name or title when it has one. */
export function documentPart(source: DocumentPart['source'], title: unknown): DocumentPart {
  return { type: 'document', source, ...(typeof title === 'string' && title !== '' ? { title } : {}) };
}
