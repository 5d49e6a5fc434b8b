/**
 * Validation of real answers against `/openapi.json`: the document is loaded
 * into Ajv (JSON Schema 2020-12, what OpenAPI 3.1 uses) and each answer is
 * checked against the schema its operation declares for its status.
 */
import { Ajv2020 } from "ajv/dist/2020.js";

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
   * a JSON body must fit the declared schema.
   */
  answer(method: string, template: string, status: number, body: unknown) {
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
