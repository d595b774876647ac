// Engine widgets named in uiSchemas ("ui:widget"). Domain-agnostic: a widget knows a kind of
// value (a unit from the directory, a year-month), never a particular form.
import { useEffect, useMemo, useRef, useState, type ComponentType } from "react";
import { CloseCircleFilled, CloseOutlined, DeleteOutlined, PaperClipOutlined, UploadOutlined } from "@ant-design/icons";
import { Widgets as ThemeWidgets } from "@rjsf/antd";
import { Alert, Button, DatePicker, Progress, Radio, Select, Typography, Upload } from "antd";
import dayjs from "dayjs";
import { ariaDescribedByIds, enumOptionSelectedValue, enumOptionValueDecoder, enumOptionValueEncoder, getOptionValueFormat, optionId, SelectedOptionDescription, type WidgetProps } from "@rjsf/utils";
import { acceptAttribute, acceptLabels, fileSpecOf, formatBytes } from "~/engine/file-kinds";
import { MISSING_WIDGET, type EngineWidgetName } from "~/engine/ui-registry";

export interface UnitOption { id: number; name: string; creditCode: string; affiliation: string; department: string }

/** A keyword search against a JSON endpoint answering { results, hint }: debounced, the latest answer wins. */
function useServerSearch<T>(initial: T[]) {
  const [options, setOptions] = useState<T[]>(initial);
  const [hint, setHint] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const seq = useRef(0);

  useEffect(() => () => clearTimeout(timer.current), []);

  const run = async (url: string) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const res = await fetch(url, { headers: { Accept: "application/json" } });
      const body = await res.json();
      if (mine !== seq.current) return;
      setOptions(body.results ?? []);
      setHint(body.hint ?? body.error ?? null);
    } catch {
      if (mine === seq.current) setHint("查询失败，请稍后重试");
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };
  const search = (url: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void run(url), 250);
  };
  return { options, hint, loading, search, load: run };
}

/** 工作单位「输入关键字查找」: server-side search by name, pinyin initials or credit code. */
export function UnitSearchWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, placeholder, disabled, readonly, registry } = props;
  const known: Record<number, UnitOption> = registry.formContext?.units ?? {};
  const { options, hint, loading, search: searchUrl } = useServerSearch<UnitOption>(value && known[value] ? [known[value]] : []);
  const [selected, setSelected] = useState<UnitOption | null>(value ? known[value] ?? null : null);
  const search = (q: string) => searchUrl(`/api/units?q=${encodeURIComponent(q)}`);

  const selectOptions = useMemo(
    () => options.map((u) => ({
      value: u.id,
      label: u.name,
      unit: u,
    })),
    [options],
  );

  return (
    <div>
      <Select
        id={id}
        showSearch={{ filterOption: false, onSearch: search }}
        value={value ?? undefined}
        placeholder={placeholder}
        disabled={disabled || readonly}
        loading={loading}
        allowClear={{ clearIcon: <CloseCircleFilled />, label: "清除" }}
        style={{ width: "100%" }}
        notFoundContent={hint ?? "输入关键字查找"}
        options={selectOptions}
        optionRender={(o) => {
          const u = (o.data as { unit: UnitOption }).unit;
          return (
            <div>
              <div>{u.name}</div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {u.affiliation} · {u.department} · {u.creditCode}
              </Typography.Text>
            </div>
          );
        }}
        onChange={(v: number | undefined) => {
          const u = options.find((o) => o.id === v) ?? null;
          setSelected(u);
          onChange(v ?? undefined);
        }}
        onBlur={() => onBlur(id, value)}
      />
      {selected ? (
        <Typography.Text type="secondary" style={{ display: "block", marginTop: 4 }} data-testid="unit-detail">
          隶属关系：{selected.affiliation}　主管部门：{selected.department}　统一社会信用代码：{selected.creditCode}
        </Typography.Text>
      ) : null}
    </div>
  );
}

/**
 * 字典选择: a row of the dictionary the field names with "x-dictionary", found by keyword over
 * the dictionary's search columns (/api/dictionaries/<id>), stored by id and shown by its title.
 */
export function DictionarySearchWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, placeholder, disabled, readonly, schema } = props;
  const dictionary = String((schema as Record<string, unknown>)["x-dictionary"] ?? "");
  const api = `/api/dictionaries/${encodeURIComponent(dictionary)}`;
  const { options, hint, loading, search, load } = useServerSearch<{ id: number; label: string }>([]);
  // A stored value is shown by its label: ask for that one row.
  useEffect(() => {
    if (Number.isInteger(value) && !options.some((o) => o.id === value)) void load(`${api}?id=${value}`);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, value]);
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: (q) => search(`${api}?q=${encodeURIComponent(q)}`) }}
      value={value ?? undefined}
      placeholder={placeholder || "输入关键字查找"}
      disabled={disabled || readonly}
      loading={loading}
      allowClear={{ clearIcon: <CloseCircleFilled />, label: "清除" }}
      style={{ width: "100%" }}
      notFoundContent={hint ?? "输入关键字查找"}
      options={options.map((o) => ({ value: o.id, label: o.label }))}
      onChange={(v: number | undefined) => onChange(v ?? undefined)}
      onBlur={() => onBlur(id, value)}
    />
  );
}

/** 年月 (format "year-month", stored as YYYY-MM). */
export function YearMonthWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, placeholder, disabled, readonly } = props;
  return (
    <DatePicker
      id={id}
      picker="month"
      format="YYYY-MM"
      placeholder={placeholder || "请选择年月"}
      value={value ? dayjs(value, "YYYY-MM") : null}
      disabled={disabled || readonly}
      onChange={(d) => onChange(d ? d.format("YYYY-MM") : undefined)}
      onBlur={() => onBlur(id, value)}
      style={{ width: "100%" }}
    />
  );
}

export interface UploadedFile { name: string; size: number; mimeType: string }
interface PendingUpload { uid: string; name: string; percent: number; error?: string }

/** POSTs one file to /files; resolves with the stored file or rejects with a Chinese message. */
function uploadFile(url: string, file: File, onProgress: (percent: number) => void) {
  return new Promise<UploadedFile & { key: string }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.floor((e.loaded / e.total) * 100));
    xhr.onload = () => {
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Not JSON: a login page after the session ended, or a proxy's error page.
      }
      if (xhr.status === 200 && body?.key) resolve(body);
      else if (new URL(xhr.responseURL || url, location.href).pathname === "/login") reject(new Error("登录已失效，请重新登录后再上传"));
      else reject(new Error(body?.error ?? (xhr.status === 413 ? "文件过大" : `上传失败（${xhr.status}），请重试`)));
    };
    xhr.onerror = () => reject(new Error("网络错误，上传失败，请重试"));
    const data = new FormData();
    data.append("file", file);
    xhr.send(data);
  });
}

/**
 * 证明材料: evidence files for a schema file field ("x-file"; see engine/file-kinds.ts). Value:
 * the list of stored-file keys (or one key for a string field). Uploads go to
 * /files?form=<formContext.formId>&field=<field name, or ui:options.field for a nested field>;
 * names of files already in the record come from formContext.files (describeFiles).
 */
export function FileUploadWidget(props: WidgetProps) {
  const { id, name, value, onChange, disabled, readonly, schema, options, registry } = props;
  const spec = fileSpecOf(schema);
  const multiple = schema.type === "array";
  const maxItems = multiple ? (typeof schema.maxItems === "number" ? schema.maxItems : Infinity) : 1;
  const formId: string | undefined = registry.formContext?.formId;
  const field = typeof options.field === "string" ? options.field : name;
  const [known, setKnown] = useState<Record<string, UploadedFile>>(() => registry.formContext?.files ?? {});
  const [pending, setPending] = useState<PendingUpload[]>([]);
  const keys: string[] = multiple ? (Array.isArray(value) ? value : []) : typeof value === "string" && value ? [value] : [];
  // The latest list, also between a change and the re-render it causes (uploads finish together).
  const keysRef = useRef(keys);
  keysRef.current = keys;
  const ctxFiles = registry.formContext?.files;
  useEffect(() => {
    if (ctxFiles) setKnown((k) => ({ ...ctxFiles, ...k }));
  }, [ctxFiles]);

  const setKeys = (next: string[]) => {
    keysRef.current = next;
    onChange(multiple ? next : next[next.length - 1]);
  };
  const inFlight = pending.filter((p) => !p.error).length;
  const room = maxItems - keys.length - inFlight;

  const start = (file: File) => {
    const uid = `${Date.now()}-${Math.random()}`;
    const fail = (error: string) => setPending((p) => [...p.filter((x) => x.uid !== uid), { uid, name: file.name, percent: 0, error }]);
    if (!spec || !formId) return fail("此字段暂不能上传文件（表单未配置）");
    if (file.size > spec.maxSize) return fail(`文件超过 ${formatBytes(spec.maxSize)}`);
    setPending((p) => [...p, { uid, name: file.name, percent: 0 }]);
    const url = `/files?form=${encodeURIComponent(formId)}&field=${encodeURIComponent(field)}`;
    uploadFile(url, file, (percent) => setPending((p) => p.map((x) => (x.uid === uid ? { ...x, percent } : x)))).then(
      (stored) => {
        setKnown((k) => ({ ...k, [stored.key]: { name: stored.name, size: stored.size, mimeType: stored.mimeType } }));
        setPending((p) => p.filter((x) => x.uid !== uid));
        setKeys(multiple ? [...keysRef.current, stored.key] : [stored.key]);
      },
      (e: Error) => fail(e.message),
    );
  };

  const hint = spec
    ? `允许的类型：${acceptLabels(spec.accept)}；单个文件不超过 ${formatBytes(spec.maxSize)}${multiple && Number.isFinite(maxItems) ? `；最多 ${maxItems} 个` : ""}`
    : "";
  const full = room <= 0;
  return (
    <div className="file-upload" data-field={field}>
      {readonly ? null : (
        <div className="file-upload-picker">
          <Upload
            id={id}
            accept={spec ? acceptAttribute(spec.accept) : undefined}
            multiple={multiple && maxItems > 1}
            fileList={[]}
            showUploadList={false}
            disabled={disabled || full}
            beforeUpload={(file, batch) => {
              // Only as many of one selection as there is room for; the rest get a message.
              const index = batch.indexOf(file);
              if (index >= room) {
                const uid = `${Date.now()}-${Math.random()}`;
                setPending((p) => [...p, { uid, name: file.name, percent: 0, error: `最多 ${maxItems} 个文件，未上传` }]);
              } else start(file as File);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} disabled={disabled || full}>
              {keys.length ? "继续上传" : "上传文件"}
            </Button>
          </Upload>
          {hint ? (
            <Typography.Text type="secondary" className="file-upload-hint" style={{ display: "block", marginTop: 4, fontSize: 12 }}>
              {hint}
            </Typography.Text>
          ) : null}
        </div>
      )}
      <ul className="file-upload-list" style={{ listStyle: "none", padding: 0, margin: keys.length || pending.length ? "8px 0 0" : 0 }}>
        {keys.map((key) => {
          const f = known[key];
          return (
            <li key={key} style={{ display: "flex", alignItems: "center", gap: 8, padding: "2px 0" }}>
              <PaperClipOutlined aria-hidden />
              <a href={`/files/${key}`} target="_blank" rel="noopener noreferrer" style={{ overflowWrap: "anywhere" }}>
                {f?.name ?? "已上传的文件"}
              </a>
              {f ? <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: "nowrap" }}>{formatBytes(f.size)}</Typography.Text> : null}
              {readonly || disabled ? null : (
                <Button
                  type="text"
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={`删除 ${f?.name ?? "文件"}`}
                  title="删除"
                  onClick={() => setKeys(keysRef.current.filter((k) => k !== key))}
                />
              )}
            </li>
          );
        })}
        {pending.map((p) => (
          <li key={p.uid} style={{ padding: "2px 0" }} role={p.error ? "alert" : undefined}>
            {p.error ? (
              <span style={{ display: "flex", alignItems: "center", gap: 8 }}>
                <Typography.Text type="danger" style={{ overflowWrap: "anywhere" }}>
                  「{p.name}」上传失败：{p.error}
                </Typography.Text>
                <Button type="text" size="small" icon={<CloseOutlined />} aria-label="关闭提示" title="关闭" onClick={() => setPending((all) => all.filter((x) => x.uid !== p.uid))} />
              </span>
            ) : (
              <span>
                <Typography.Text style={{ overflowWrap: "anywhere" }}>正在上传「{p.name}」</Typography.Text>
                <Progress percent={p.percent} status="active" size="small" aria-label={`「${p.name}」上传进度`} />
              </span>
            )}
          </li>
        ))}
      </ul>
      {readonly && keys.length === 0 ? <Typography.Text type="secondary">未上传</Typography.Text> : null}
    </div>
  );
}

/** A theme widget with a Chinese prompt when the uiSchema gives none (the theme passes an empty
 * placeholder, which also leaves a blank first row in a select's list). */
function withPlaceholder(Widget: ComponentType<WidgetProps>, text: string) {
  const Wrapped = (props: WidgetProps) => <Widget {...props} placeholder={props.placeholder || text} />;
  Wrapped.displayName = `WithPlaceholder(${Widget.displayName ?? Widget.name})`;
  return Wrapped;
}

/** The value of the empty choice an optional select offers first. */
const NO_VALUE = "";

/**
 * An enum select (the antd theme's SelectWidget, except for its empty choice). The theme puts an
 * empty row labelled with the placeholder (「请选择」) first in every single select, so a required
 * field offered 「请选择」 as a value to pick. Here a required field offers only its values; an
 * optional one starts with 「（不填）」, which clears the choice. The placeholder shows while
 * nothing is chosen.
 */
export function EnumSelectWidget(props: WidgetProps) {
  const { id, htmlName, options, value, required, multiple, disabled, readonly, autofocus, placeholder, schema, registry, uiSchema, hideLabel, onChange, onBlur, onFocus } = props;
  const { enumOptions, enumDisabled, emptyValue } = options;
  const format = getOptionValueFormat(options);
  const decode = (v: unknown) => enumOptionValueDecoder(v as string, enumOptions, format, emptyValue);
  const selectOptions = useMemo(() => {
    const list = (enumOptions ?? []).map(({ value: v, label }, i) => ({
      key: String(i), value: enumOptionValueEncoder(v, i, format), label, disabled: Array.isArray(enumDisabled) && enumDisabled.includes(v),
    }));
    return multiple || required || schema.default !== undefined ? list : [{ key: "none", value: NO_VALUE, label: "（不填）", disabled: false }, ...list];
  }, [enumOptions, enumDisabled, format, multiple, required, schema.default]);
  const selected = enumOptionSelectedValue(value, enumOptions, !!multiple, format, emptyValue);
  return (
    <>
      <Select
        id={id}
        {...{ name: htmlName || id }}
        mode={multiple ? "multiple" : undefined}
        value={selected === NO_VALUE ? undefined : selected}
        placeholder={placeholder || "请选择"}
        options={selectOptions}
        showSearch={{ filterOption: (input, o) => typeof o?.label === "string" && o.label.toLowerCase().includes(input.toLowerCase()) }}
        disabled={disabled || readonly}
        autoFocus={autofocus}
        style={{ width: "100%" }}
        getPopupContainer={(node: HTMLElement) => node.parentElement ?? document.body}
        aria-describedby={ariaDescribedByIds(id)}
        // RJSF's oneOf/anyOf chooser and a select whose label is hidden have no <label>: name them.
        aria-label={hideLabel || /__(one|any)of_select$/.test(id) ? props.label || undefined : undefined}
        onChange={readonly ? undefined : (v: unknown) => onChange(decode(v))}
        onBlur={readonly ? undefined : () => onBlur(id, decode(selected))}
        onFocus={readonly ? undefined : () => onFocus(id, decode(selected))}
      />
      {/* The description of the chosen oneOf/anyOf option, as the theme shows it. */}
      <SelectedOptionDescription id={id} multiple={multiple} options={options} registry={registry} uiSchema={uiSchema} value={value} hideLabel={hideLabel} />
    </>
  );
}

/**
 * A radio group (the antd theme's RadioWidget) named by its field's label: antd renders a
 * role="radiogroup" <div>, which the field's <label for> does not name (性别 had no accessible name).
 */
export function RadioGroupWidget(props: WidgetProps) {
  const { id, htmlName, options, value, disabled, readonly, autofocus, label, onChange, onBlur, onFocus } = props;
  const { enumOptions, enumDisabled, emptyValue } = options;
  const format = getOptionValueFormat(options);
  const decode = (v: unknown) => enumOptionValueDecoder(v as string, enumOptions, format, emptyValue);
  return (
    <Radio.Group id={id} name={htmlName || id} aria-label={label || undefined} aria-describedby={ariaDescribedByIds(id)}
      disabled={disabled || readonly} value={enumOptionSelectedValue(value, enumOptions, false, format, emptyValue)}
      onChange={readonly ? undefined : (e) => onChange(decode(e.target.value))}
      onBlur={readonly ? undefined : (e) => onBlur(id, decode((e.target as HTMLInputElement | null)?.value))}
      onFocus={readonly ? undefined : (e) => onFocus(id, decode((e.target as HTMLInputElement | null)?.value))}>
      {(enumOptions ?? []).map((o, i) => (
        <Radio key={String(o.value)} id={optionId(id, i)} name={htmlName || id} autoFocus={i === 0 ? autofocus : false}
          disabled={disabled || (Array.isArray(enumDisabled) && enumDisabled.includes(o.value))} value={enumOptionValueEncoder(o.value, i, format)}>
          {o.label}
        </Radio>
      ))}
    </Radio.Group>
  );
}

/** In place of a widget a stored form names but the engine does not have (ui-registry.ts withKnownUi). */
export function MissingWidget(props: WidgetProps) {
  const name = typeof props.options.missingWidget === "string" ? props.options.missingWidget : "";
  return <Alert type="error" showIcon role="alert" title={`此项暂时无法填写：表单使用的控件「${name}」本系统没有，请联系管理员修改表单`} />;
}

/** The engine's widgets, by the names of ENGINE_WIDGETS (the designer's check accepts exactly these). */
const engineWidgets: Record<EngineWidgetName, ComponentType<WidgetProps>> = {
  "unit-search": UnitSearchWidget,
  "dictionary-search": DictionarySearchWidget,
  "year-month": YearMonthWidget,
  "file-upload": FileUploadWidget,
};

export const widgets = {
  SelectWidget: EnumSelectWidget,
  RadioWidget: RadioGroupWidget,
  DateWidget: withPlaceholder(ThemeWidgets.DateWidget, "请选择日期"),
  DateTimeWidget: withPlaceholder(ThemeWidgets.DateTimeWidget, "请选择日期和时间"),
  ...engineWidgets,
  [MISSING_WIDGET]: MissingWidget,
};
