// A handwriting pad (canvas + pointer events: finger, pen or mouse). The drawing leaves as a PNG
// data URL with a transparent background; the server checks it is a real, non-empty PNG.
import { useEffect, useRef, useState } from "react";
import { Button, Space } from "antd";

export function SignaturePad({ onChange, height = 200 }: { onChange: (dataUrl: string | null) => void; height?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [empty, setEmpty] = useState(true);

  useEffect(() => {
    const c = canvas.current!;
    // Backing store at device resolution, so strokes are sharp on phones.
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    c.width = c.clientWidth * ratio;
    c.height = height * ratio;
    const g = c.getContext("2d")!;
    g.scale(ratio, ratio);
    g.lineWidth = 3;
    g.lineCap = "round";
    g.lineJoin = "round";
    g.strokeStyle = "#111";
  }, [height]);

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const c = e.currentTarget;
    const r = c.getBoundingClientRect();
    // The pointer and the box are in the window's pixels, the drawing in the canvas's own CSS
    // pixels: they differ when the page is zoomed (大字版 zooms <body>).
    return { x: (e.clientX - r.left) * (c.clientWidth / r.width || 1), y: (e.clientY - r.top) * (c.clientHeight / r.height || 1) };
  };
  const down = (e: React.PointerEvent<HTMLCanvasElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    drawing.current = true;
    const g = e.currentTarget.getContext("2d")!;
    const p = point(e);
    g.beginPath();
    g.moveTo(p.x, p.y);
    g.lineTo(p.x + 0.1, p.y + 0.1);
    g.stroke();
  };
  const move = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current) return;
    const g = e.currentTarget.getContext("2d")!;
    const p = point(e);
    g.lineTo(p.x, p.y);
    g.stroke();
  };
  const up = () => {
    if (!drawing.current) return;
    drawing.current = false;
    setEmpty(false);
    onChange(canvas.current!.toDataURL("image/png"));
  };
  const clear = () => {
    const c = canvas.current!;
    c.getContext("2d")!.clearRect(0, 0, c.width, c.height);
    setEmpty(true);
    onChange(null);
  };

  return (
    <div>
      <canvas
        ref={canvas}
        role="img"
        aria-label="签名区域：请用手指或鼠标在此处手写签名"
        data-testid="signature-pad"
        style={{ width: "100%", height, border: "1px dashed #8c8c8c", borderRadius: 6, touchAction: "none", background: "#fff", cursor: "crosshair" }}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerLeave={up}
      />
      <Space style={{ marginTop: 8 }}>
        <Button onClick={clear} disabled={empty}>清除重写</Button>
        <span style={{ color: "#595959" }}>{empty ? "请在上方虚线框内手写签名" : "已签名，可清除后重写"}</span>
      </Space>
    </div>
  );
}
