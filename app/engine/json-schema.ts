// The JSON Schemas a definition carries (a form's schema, a field's), as the engine reads them:
// the keywords it looks at, typed; any other keyword is unknown. Forms are checked against the
// form meta-schema and compiled strictly by Ajv before the engine reads them.
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  "x-file"?: unknown;
  "x-dictionary"?: unknown;
  [keyword: string]: unknown;
}

/** A form's schema: an object with properties (the form meta-schema requires "type": "object" and properties). */
export interface FormSchema extends JsonSchema {
  properties: Record<string, JsonSchema>;
}

/** RJSF's uiSchema: per field its ui: options (ui:widget, ui:order …). */
export interface UiSchema {
  "ui:order"?: string[];
  "ui:widget"?: string;
  [key: string]: unknown;
}
