/**
 * Validation of real answers against `/openapi.json`: the document is loaded
 * into Ajv (JSON Schema 2020-12, what OpenAPI 3.1 uses) and each answer is
 * checked against the schema its operation declares for its status.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import { type Api, request } from "./api.ts";

/** A loosely typed OpenAPI document. */
// deno-lint-ignore no-explicit-any
export type OpenApiDocument = any;

/** Checks answers against one document, collecting every problem. */
export class DocumentChecker {
  readonly problems: string[] = [];
  /** `GET /channels/{id}` of every answer checked, for the coverage report. */
  readonly checked = new Set<string>();
  #ajv = new Ajv2020({
    strict: false,
    allErrors: true,
    validateFormats: false,
  });

  /** Loads `document` for checking. */
  constructor(readonly document: OpenApiDocument) {
    this.#ajv.addSchema(document, "hearth");
  }

  /** The schema of a path template's operation's answer with `status`, by JSON pointer. */
  #pointer(parts: string[]): string {
    return "hearth#/" +
      parts.map((part) => part.replaceAll("~", "~0").replaceAll("/", "~1"))
        .join("/");
  }

  /**
   * Checks one answer: its status must be declared for `method template`, and
   * a JSON body must fit the declared schema; an answer of another
   * `contentType` (a page, a stream) must be of a media type declared for it.
   */
  answer(
    method: string,
    template: string,
    status: number,
    body: unknown,
    contentType?: string | null,
  ) {
    const name = `${method} ${template}`;
    this.checked.add(name);
    const operation = this.document.paths[template]?.[method.toLowerCase()];
    if (!operation) {
      this.problems.push(`${name}: not in the document`);
      return;
    }
    const declared = operation.responses[String(status)];
    if (!declared) {
      this.problems.push(`${name}: status ${status} is not declared`);
      return;
    }
    const media = contentType?.split(";")[0].trim().toLowerCase();
    if (media && !media.includes("json")) {
      if (!Object.keys(declared.content ?? {}).some((d) => covers(d, media))) {
        this.problems.push(`${name} ${status}: ${media} is not declared`);
      }
      return;
    }
    if (!declared.content?.["application/json"]?.schema) return;
    const validate = this.#ajv.getSchema(this.#pointer([
      "paths",
      template,
      method.toLowerCase(),
      "responses",
      String(status),
      "content",
      "application/json",
      "schema",
    ]));
    if (!validate) throw new Error(`${name} ${status}: no schema`);
    if (!validate(body)) {
      this.problems.push(
        `${name} ${status}: ${this.#ajv.errorsText(validate.errors)} in ${
          JSON.stringify(body).slice(0, 300)
        }`,
      );
    }
  }

  /** Checks a value against a named component, such as `ServerFrame`. */
  component(name: string, value: unknown, what: string) {
    const validate = this.#ajv.getSchema(
      this.#pointer(["components", "schemas", name]),
    );
    if (!validate) throw new Error(`no component ${name}`);
    if (!validate(value)) {
      this.problems.push(
        `${what} as ${name}: ${this.#ajv.errorsText(validate.errors)} in ${
          JSON.stringify(value).slice(0, 300)
        }`,
      );
    }
  }
}

/** Whether a declared media type covers an answer's: the same, `image/*` of `image/png`, or any file. */
function covers(declared: string, media: string): boolean {
  return declared === media || declared === "application/octet-stream" ||
    (declared.endsWith("/*") && media.startsWith(declared.slice(0, -1)));
}

/**
 * A request function sending as `api`'s user (anonymously without a token)
 * that checks each answer against `check`'s document for `template`.
 */
export function checked(
  check: DocumentChecker,
  api: Api | { base: string; token?: string },
) {
  return async (
    method: string,
    template: string,
    path: string,
    opts: {
      json?: unknown;
      body?: BodyInit;
      headers?: Record<string, string>;
    } = {},
  ) => {
    const res = await request(api.base, method, path, {
      ...opts,
      token: api.token,
    });
    const type = res.headers.get("content-type");
    check.answer(method, template, res.status, res.body, type);
    return res;
  };
}
