// The antd theme's FieldTemplate, except that a field's error is shown even when it has help text
// (ui:help): @rjsf/antd shows the help instead of the error, so an invalid value with help looked
// fine. Here the error comes first and the help stays below it.
import { getTemplate, getUiOptions, type FieldTemplateProps } from "@rjsf/utils";
import { Form } from "antd";

const FULL = { span: 24 };

export function FieldTemplate(props: FieldTemplateProps) {
  const { children, description, displayLabel, errors, help, rawHelp, hidden, id, label, rawErrors, rawDescription, registry, required, schema, uiSchema } = props;
  const { colon, labelCol = FULL, wrapperCol = FULL, wrapperStyle, descriptionLocation = "below" } = registry.formContext ?? {};
  const uiOptions = getUiOptions(uiSchema);
  const WrapIfAdditionalTemplate = getTemplate("WrapIfAdditionalTemplate", registry, uiOptions);
  if (hidden) return <div className="rjsf-field-hidden">{children}</div>;
  const descriptionNode = rawDescription ? description : undefined;
  const descriptionProps = descriptionLocation === "tooltip" ? { tooltip: descriptionNode } : { extra: descriptionNode };
  const hasErrors = !!rawErrors?.length;
  const helpNode = hasErrors ? <>{errors}{rawHelp ? <div className="field-help-below-error">{help}</div> : null}</> : rawHelp ? help : undefined;
  return (
    <WrapIfAdditionalTemplate {...props}>
      <Form.Item
        colon={colon}
        hasFeedback={schema.type !== "array" && schema.type !== "object"}
        help={helpNode}
        htmlFor={id}
        label={displayLabel && uiOptions.widget !== "checkbox" && label}
        labelCol={labelCol}
        required={required}
        style={wrapperStyle}
        validateStatus={hasErrors ? "error" : undefined}
        wrapperCol={wrapperCol}
        {...descriptionProps}
      >
        {children}
      </Form.Item>
    </WrapIfAdditionalTemplate>
  );
}
