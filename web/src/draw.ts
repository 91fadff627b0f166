// Drawing a status's shape on a canvas, so the DAG never tells states apart by colour alone.
import { look } from "./status.js";

export function drawStatus(ctx: CanvasRenderingContext2D, status: string, x: number, y: number, s: number): void {
  const { color, shape } = look(status);
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.lineWidth = Math.max(1, s / 8);
  const c = s / 2;
  ctx.beginPath();
  switch (shape) {
    case "square":
      ctx.fillRect(x, y, s, s);
      return;
    case "hollow-square":
      ctx.strokeRect(x + ctx.lineWidth / 2, y + ctx.lineWidth / 2, s - ctx.lineWidth, s - ctx.lineWidth);
      return;
    case "triangle":
      ctx.moveTo(x, y);
      ctx.lineTo(x + s, y + c);
      ctx.lineTo(x, y + s);
      ctx.closePath();
      ctx.fill();
      return;
    case "diamond":
      ctx.moveTo(x + c, y);
      ctx.lineTo(x + s, y + c);
      ctx.lineTo(x + c, y + s);
      ctx.lineTo(x, y + c);
      ctx.closePath();
      ctx.fill();
      return;
    case "circle":
      ctx.arc(x + c, y + c, c, 0, Math.PI * 2);
      ctx.fill();
      return;
    case "hollow-circle":
      ctx.arc(x + c, y + c, c - ctx.lineWidth / 2, 0, Math.PI * 2);
      ctx.stroke();
      return;
    case "cross":
      ctx.moveTo(x, y);
      ctx.lineTo(x + s, y + s);
      ctx.moveTo(x + s, y);
      ctx.lineTo(x, y + s);
      ctx.stroke();
      return;
  }
}
