/**
 * The PDF parsing worker's entry: reads each file sent to it with pdf.js (the `pdfjs-dist` legacy
 * build, its parser running in this thread) and posts its PdfReadResult back. Started by
 * pdf-reader.ts with a capped heap, a memory watch and a deadline, and ended after any read that
 * broke them; imports nothing of Nest or the database.
 */
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

import { INFO_FIELDS, PdfLimits, PdfMetadataField, PdfReadResult } from './pdf-text.types';
import { xmpText } from './pdf-xmp';

interface Job {
  input: Uint8Array;
  limits: PdfLimits;
}

/** The few parts of pdf.js used here (its types ship as ES module declarations only). */
interface TextItem {
  str?: string;
  hasEOL?: boolean;
}
interface Annotation {
  textContent?: string[];
  contentsObj?: { str?: string };
  titleObj?: { str?: string };
  fieldValue?: unknown;
  alternativeText?: string;
}
interface PdfPage {
  getTextContent(): Promise<{ items: TextItem[] }>;
  getAnnotations(): Promise<Annotation[]>;
  cleanup(): void;
}
interface PdfDocument {
  numPages: number;
  getPage(n: number): Promise<PdfPage>;
  getMetadata(): Promise<{ info: Record<string, unknown>; metadata: { getRaw(): string } | null }>;
  destroy(): Promise<void>;
}
interface PdfJs {
  getDocument(params: object): { promise: Promise<PdfDocument>; destroy(): Promise<void> };
}

const PDFJS_DIR = dirname(require.resolve('pdfjs-dist/package.json'));

/**
 * A real `import()`: pdf.js ships as ES modules only, and compiled to CommonJS (by swc, for the
 * build and for tests) an `import()` would become a `require`.
 */
const importModule = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;

async function loadPdfJs(): Promise<PdfJs> {
  // Text needs no canvas: never load the optional native @napi-rs/canvas into this thread, and
  // give pdf.js the rendering globals it touches while loading as inert stand-ins.
  const moduleLoader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = moduleLoader._load;
  moduleLoader._load = function (request: string, ...rest: unknown[]) {
    if (request === '@napi-rs/canvas') throw new Error('not needed to read text');
    return load.call(this, request, ...rest);
  };
  const globals = globalThis as Record<string, unknown>;
  for (const name of ['DOMMatrix', 'ImageData', 'Path2D']) globals[name] ??= class {};
  const warn = console.warn;
  console.warn = () => undefined; // the one warning it prints while loading: no canvas
  try {
    const build = (file: string) => pathToFileURL(join(PDFJS_DIR, 'legacy', 'build', file)).href;
    const pdfjs = (await importModule(build('pdf.mjs'))) as PdfJs;
    // The parser runs in this thread ("fake worker"), found here rather than by a path of its own.
    globals.pdfjsWorker = await importModule(build('pdf.worker.mjs'));
    return pdfjs;
  } finally {
    console.warn = warn;
  }
}

/** Control characters other than tab and line breaks (unmapped glyphs come out as U+0000). */
function withoutControls(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 || c === 9 || c === 10 || c === 13) continue;
    out += text.slice(from, i);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

function annotationTexts(annotation: Annotation): string[] {
  const texts = [...(annotation.textContent ?? [])];
  for (const value of [annotation.titleObj?.str, annotation.contentsObj?.str, annotation.alternativeText]) {
    if (value) texts.push(value);
  }
  const field = annotation.fieldValue;
  if (typeof field === 'string' && field) texts.push(field);
  else if (Array.isArray(field)) texts.push(...field.filter((v): v is string => typeof v === 'string'));
  return texts;
}

async function metadataOf(doc: PdfDocument): Promise<PdfMetadataField[]> {
  const { info, metadata } = await doc.getMetadata();
  const fields: PdfMetadataField[] = [];
  for (const name of INFO_FIELDS) {
    const value = info[name];
    if (typeof value === 'string' && value.trim()) fields.push({ name, value: withoutControls(value) });
  }
  const custom = info.Custom;
  if (custom && typeof custom === 'object') {
    for (const [name, value] of Object.entries(custom)) {
      if (typeof value === 'string' && value.trim()) fields.push({ name, value: withoutControls(value) });
    }
  }
  const xmp = metadata ? xmpText(metadata.getRaw()) : '';
  if (xmp) fields.push({ name: 'XMP', value: xmp });
  return fields;
}

async function read(pdfjs: PdfJs, { input, limits }: Job): Promise<PdfReadResult> {
  const task = pdfjs.getDocument({
    data: input,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    isOffscreenCanvasSupported: false,
    // Predefined CMaps (GBK-EUC-H, UniGB-UCS2-H, …) for Chinese fonts without a ToUnicode map.
    cMapUrl: join(PDFJS_DIR, 'cmaps') + '/',
    cMapPacked: true,
    standardFontDataUrl: join(PDFJS_DIR, 'standard_fonts') + '/',
    verbosity: 0, // errors only, and it throws those
  });
  let doc: PdfDocument;
  try {
    doc = await task.promise;
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    if (name === 'PasswordException') return { ok: false, failure: { kind: 'encrypted' } };
    return { ok: false, failure: { kind: 'invalid', reason: (error as Error | undefined)?.message ?? String(error) } };
  }
  try {
    if (doc.numPages > limits.maxPages) {
      return {
        ok: false,
        failure: { kind: 'tooLarge', reason: `it has ${doc.numPages} pages, more than the ${limits.maxPages} read` },
      };
    }
    const parts: string[] = [];
    let length = 0;
    const push = (text: string) => {
      parts.push(text);
      length += text.length;
    };
    for (let n = 1; n <= doc.numPages && length < limits.maxTextChars; n++) {
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        for (const item of content.items) {
          if (item.str) push(item.str);
          if (item.hasEOL) push('\n');
        }
        push('\n');
        for (const annotation of await page.getAnnotations()) {
          for (const text of annotationTexts(annotation)) push(`${text}\n`);
        }
        page.cleanup();
      } catch {
        // best effort, as a reader would: a broken page does not hide the others
      }
    }
    let text = withoutControls(parts.join(''));
    const truncated = text.length > limits.maxTextChars;
    if (truncated) text = text.slice(0, limits.maxTextChars);
    if (text.trim() === '') text = '';
    return { ok: true, text, metadata: await metadataOf(doc), pages: doc.numPages, truncated };
  } finally {
    await doc.destroy();
  }
}

let pdfjs: Promise<PdfJs> | undefined;

/** Reads the files sent to it one at a time (the main thread sends the next after the answer). */
parentPort?.on('message', (job: Job) => {
  pdfjs ??= loadPdfJs();
  void pdfjs
    .then((lib) => read(lib, job))
    .catch((error: Error): PdfReadResult => ({
      ok: false,
      failure: { kind: 'invalid', reason: String(error?.message) },
    }))
    .then((result) => parentPort?.postMessage(result));
});
