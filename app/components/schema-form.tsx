// Renders a published form with RJSF (antd theme) in Chinese. Validation in the browser uses
// the same Ajv options, formats and messages as the server (engine/validator.ts); the server's
// per-field errors come back as `extraErrors` and show on the right field.
import { useEffect, useMemo, useRef, useState } from "react";
import Form from "@rjsf/antd";
import type CoreForm from "@rjsf/core";
import type { RJSFValidationError, UiSchema } from "@rjsf/utils";
import { customizeValidator } from "@rjsf/validator-ajv8";
import localizeZh from "ajv-i18n/localize/zh";
import { Alert, Form as AntForm } from "antd";
import { messageFor, RJSF_VALIDATOR_OPTIONS, toErrorSchema, type FieldErrors } from "~/engine/validator";
import { checkRules, type FieldRule } from "~/engine/rules";
import { translateString } from "./rjsf-zh";
import { widgets } from "./widgets";
import { FieldTemplate } from "./field-template";
import { withKnownUi } from "~/engine/ui-registry";

export const browserValidator = customizeValidator(RJSF_VALIDATOR_OPTIONS, localizeZh);

/** RJSF's errors in Chinese (messageFor, as the server's toFieldErrors): an if wrapper is dropped
 * (its then/else error says it); a oneOf/anyOf is kept, at its own path. */
export function transformErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors
    .filter((e) => e.name !== "if")
    .map((e) => ({ ...e, message: messageFor(e.name ?? "", e.params ?? {}, e.message) }));
}

const templates = { FieldTemplate };

/** How many messages an RJSF error schema holds (its `__errors` lists, at any depth). */
export function countErrors(errorSchema: unknown): number {
  if (!errorSchema || typeof errorSchema !== "object") return 0;
  return Object.entries(errorSchema).reduce(
    (n, [k, v]) => n + (k === "__errors" ? (Array.isArray(v) ? v.length : 0) : countErrors(v)),
    0,
  );
}

export interface SchemaFormProps {
  schema: Record<string, any>;
  uiSchema: Record<string, any>;
  formData?: Record<string, unknown>;
  serverErrors?: FieldErrors;
  formContext?: Record<string, unknown>;
  submitText: string;
  submitting?: boolean;
  readonly?: boolean;
  onSubmit: (data: Record<string, unknown>) => void;
  onChange?: (data: Record<string, unknown>) => void;
  /** The form's declared cross-field rules (meta.rules), checked in the browser as on the server. */
  rules?: FieldRule[];
  /** Buttons that replace the single submit button (one of them must be htmlType="submit"). */
  children?: React.ReactNode;
  /** Prefix of the fields' ids, for several forms on one page (default "root"). */
  idPrefix?: string;
  /** An editor inside a larger page: no submit button of its own. */
  noSubmit?: boolean;
}

function customValidator(rules: FieldRule[] | undefined) {
  if (!rules?.length) return undefined;
  return (formData: any, errors: any) => {
    for (const [path, msgs] of Object.entries(checkRules(rules, formData))) {
      const node = path.split(".").reduce((n: any, k) => n?.[k], errors);
      for (const m of msgs) node?.addError(m);
    }
    return errors;
  };
}

export function SchemaForm(props: SchemaFormProps) {
  const [clientErrorCount, setClientErrorCount] = useState(0);
  // RJSF drops a field's error once its changed value comes back through props, in an update of
  // its own after this component's effects; so the banner is recounted from RJSF's error schema
  // just after that, and counts only the errors still shown under the fields.
  const formRef = useRef<CoreForm>(null);
  useEffect(() => {
    if (!clientErrorCount) return;
    const timer = setTimeout(() => {
      const shown = countErrors(formRef.current?.state.errorSchema);
      if (shown < clientErrorCount) setClientErrorCount(shown);
    });
    return () => clearTimeout(timer);
  });
  const extraErrors = useMemo(() => (props.serverErrors ? toErrorSchema(props.serverErrors) : undefined), [props.serverErrors]);
  const formLevel = props.serverErrors?.[""] ?? [];
  // A widget the engine does not have (a form stored before the designer checked) shows a notice
  // in place of its field instead of failing the page.
  const knownUi = useMemo(() => withKnownUi(props.schema, props.uiSchema), [props.schema, props.uiSchema]);
  const uiSchema: UiSchema = {
    ...knownUi,
    "ui:submitButtonOptions": {
      submitText: props.submitText,
      norender: !!props.readonly || !!props.noSubmit,
      props: { disabled: props.submitting, type: "primary" },
    },
  };
  return (
    <div className="schema-form">
      {clientErrorCount > 0 ? (
        <Alert type="error" showIcon style={{ marginBottom: 16 }} title={`有 ${clientErrorCount} 处填写有误，请按字段下方的提示修改`} />
      ) : null}
      {formLevel.length ? <Alert type="error" showIcon style={{ marginBottom: 16 }} title={formLevel.join("；")} /> : null}
      {/* The theme's Form.Items take their layout from an antd Form; without one they fall back to
          horizontal, which leaves a 32px-high label box above every field. */}
      <AntForm component={false} layout="vertical">
        <Form
          ref={formRef}
          schema={props.schema}
          uiSchema={uiSchema}
          formData={props.formData}
          validator={browserValidator}
          widgets={widgets}
          templates={templates}
          formContext={props.formContext}
          idPrefix={props.idPrefix}
          translateString={translateString}
          transformErrors={transformErrors}
          customValidate={customValidator(props.rules)}
          extraErrors={extraErrors}
          showErrorList={false}
          noHtml5Validate
          focusOnFirstError
          readonly={props.readonly}
          onError={(errs) => setClientErrorCount(errs.length)}
          onChange={({ formData }) => props.onChange?.(formData ?? {})}
          onSubmit={({ formData }) => {
            setClientErrorCount(0);
            props.onSubmit(formData ?? {});
          }}
        >
          {props.children}
        </Form>
      </AntForm>
    </div>
  );
}
