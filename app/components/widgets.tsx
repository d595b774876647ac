// Engine widgets named in uiSchemas ("ui:widget"). Domain-agnostic: a widget knows a kind of
// value (a unit from the directory, a year-month), never a particular form.
import { useEffect, useMemo, useRef, useState, type ComponentType } from "react";
import { CloseCircleFilled } from "@ant-design/icons";
import { Widgets as ThemeWidgets } from "@rjsf/antd";
import { DatePicker, Select, Typography } from "antd";
import dayjs from "dayjs";
import type { WidgetProps } from "@rjsf/utils";

export interface UnitOption { id: number; name: string; creditCode: string; affiliation: string; department: string }

/** 工作单位「输入关键字查找」: server-side search by name, pinyin initials or credit code. */
export function UnitSearchWidget(props: WidgetProps) {
  const { id, value, onChange, onBlur, placeholder, disabled, readonly, registry } = props;
  const known: Record<number, UnitOption> = registry.formContext?.units ?? {};
  const [options, setOptions] = useState<UnitOption[]>(() => (value && known[value] ? [known[value]] : []));
  const [selected, setSelected] = useState<UnitOption | null>(value ? known[value] ?? null : null);
  const [hint, setHint] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const seq = useRef(0);

  useEffect(() => () => clearTimeout(timer.current), []);

  const search = (q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      const mine = ++seq.current;
      setLoading(true);
      try {
        const res = await fetch(`/api/units?q=${encodeURIComponent(q)}`, { headers: { Accept: "application/json" } });
        const body = await res.json();
        if (mine !== seq.current) return;
        setOptions(body.results ?? []);
        setHint(body.hint ?? null);
      } catch {
        if (mine === seq.current) setHint("查询失败，请稍后重试");
      } finally {
        if (mine === seq.current) setLoading(false);
      }
    }, 250);
  };

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

/** A theme widget with a Chinese prompt when the uiSchema gives none (the theme passes an empty
 * placeholder, which also leaves a blank first row in a select's list). */
function withPlaceholder(Widget: ComponentType<WidgetProps>, text: string) {
  const Wrapped = (props: WidgetProps) => <Widget {...props} placeholder={props.placeholder || text} />;
  Wrapped.displayName = `WithPlaceholder(${Widget.displayName ?? Widget.name})`;
  return Wrapped;
}

export const widgets = {
  SelectWidget: withPlaceholder(ThemeWidgets.SelectWidget, "请选择"),
  DateWidget: withPlaceholder(ThemeWidgets.DateWidget, "请选择日期"),
  "unit-search": UnitSearchWidget,
  "year-month": YearMonthWidget,
};
