// VaxRoute console: today's board refreshes itself, and the report's print button.
// Loaded as a module by board.html and report.html (no inline scripts: the CSP allows none);
// both pages work without it (reload the board; print with the browser's menu).
//
// * [data-refresh]: every data-interval seconds (30) the element's content is replaced by the
//   HTML fragment at its data-refresh URL (/today/board?day=...), while the tab is visible;
//   at once when the tab becomes visible again. A failed fetch shows data-failed's words and
//   tries again at the next turn; a signed-out session (the fetch lands on /login) reloads
//   the page, which then asks to sign in.
// * [data-print]: a button that opens the browser's print dialog (the print stylesheet keeps
//   the report's table and chart on an A4 page).

const MIN_INTERVAL_S = 5;

function statusLine(board) {
  let line = board.nextElementSibling;
  if (!line || !line.hasAttribute("data-board-status")) {
    line = document.createElement("p");
    line.setAttribute("data-board-status", "");
    line.setAttribute("role", "status");
    line.className = "alert";
    line.hidden = true;
    board.after(line);
  }
  return line;
}

async function refresh(board) {
  const line = statusLine(board);
  try {
    const response = await fetch(board.dataset.refresh, {
      credentials: "same-origin", headers: { Accept: "text/html" }, cache: "no-store",
    });
    if (new URL(response.url).pathname === "/login") {
      window.location.reload();
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    board.innerHTML = await response.text();
    board.dispatchEvent(new CustomEvent("board:refreshed", { bubbles: true }));
    line.hidden = true;
  } catch (error) {
    line.textContent = board.dataset.failed || String(error);
    line.hidden = false;
  }
}

function setupBoard(board) {
  const seconds = Math.max(MIN_INTERVAL_S, Number(board.dataset.interval) || 30);
  let timer = null;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!document.hidden) await refresh(board);
      schedule();
    }, seconds * 1000);
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh(board).then(schedule);
  });
  schedule();
}

document.querySelectorAll("[data-refresh]").forEach(setupBoard);
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
