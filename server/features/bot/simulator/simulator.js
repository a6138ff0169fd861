// The web chat simulator: a thin page over /simulator/ws. The server runs the real WeChat bot on a
// mock WeChat; this page only shows what the bot writes and sends what the user types.

const storage = { personId: "fanpin.simulator.personId", language: "fanpin.simulator.language" };
// Photos straight from a phone camera are often larger than the server takes; this keeps them legible.
const photoMaxSide = 1600;

const $ = (selector) => document.querySelector(selector);
const lists = { resident: $("#messages-resident"), grid: $("#messages-grid") };
const text = $("#text");
const fileInput = $("#file");

let language = readStored(storage.language) === "en" ? "en" : "zh-CN";
let strings = {};
let welcome = "";
let limits = { fileBytes: 2 * 1024 * 1024, textChars: 2000 };
let speakingAs = "resident";
let socket = null;
let ready = false;
let retryMs = 1000;
let announceLanguage = false;
/** What was typed while not connected; sent once the server says ready. */
const outbox = [];

function readStored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private browsing may refuse storage; the page still works, it just forgets on reload.
  }
}

function format(template, values) {
  return String(template ?? "").replace(/\{\{(\w+)\}\}/g, (_, name) => String(values[name] ?? ""));
}

async function loadStrings() {
  const response = await fetch(`/simulator/strings?lng=${encodeURIComponent(language)}`);
  const body = await response.json();
  strings = body.strings;
  welcome = body.welcome;
  limits = body.limits;
  document.documentElement.lang = body.locale;
  document.title = strings.title;
  for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = strings[element.dataset.i18n] ?? "";
  for (const element of document.querySelectorAll("[data-i18n-placeholder]"))
    element.placeholder = strings[element.dataset.i18nPlaceholder] ?? "";
  text.maxLength = limits.textChars;
}

function list() {
  return lists[speakingAs];
}

function addMessage(kind, content, image) {
  const target = list();
  const bubble = document.createElement("div");
  bubble.className = `message ${kind}`;
  if (kind !== "notice") {
    const who = document.createElement("span");
    who.className = "who";
    who.textContent = kind === "bot" ? strings.botName : strings.you;
    bubble.append(who);
  }
  bubble.append(document.createTextNode(content));
  if (image) {
    const img = document.createElement("img");
    img.src = image;
    img.alt = "";
    bubble.append(img);
  }
  target.append(bubble);
  window.scrollTo({ top: document.documentElement.scrollHeight });
}

function showWelcome() {
  if (!list().hasChildNodes()) addMessage("bot", welcome);
}

function setStatus(message) {
  $("#status").textContent = message ?? "";
}

function connect() {
  ready = false;
  setStatus(strings.connecting);
  const url = new URL(`/simulator/ws?lng=${encodeURIComponent(language)}`, location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const current = new WebSocket(url);
  socket = current;
  current.addEventListener("open", () => hello());
  current.addEventListener("message", (event) => onServerMessage(JSON.parse(event.data)));
  current.addEventListener("close", () => {
    if (socket !== current) return;
    ready = false;
    setStatus(strings.disconnected);
    setTimeout(connect, retryMs);
    retryMs = Math.min(retryMs * 2, 15_000);
  });
}

function reconnect() {
  const previous = socket;
  socket = null;
  previous?.close();
  connect();
}

function hello() {
  const personId = speakingAs === "resident" ? readStored(storage.personId) : null;
  socket.send(JSON.stringify({ type: "hello", as: speakingAs, ...(personId ? { personId } : {}) }));
}

function onServerMessage(message) {
  if (message.type === "ready") {
    if (message.as === "resident") {
      // Someone new starts in Chinese on the bot's side; tell the bot when the page is in English.
      if (message.personId !== readStored(storage.personId) && language !== "zh-CN") announceLanguage = true;
      store(storage.personId, message.personId);
    }
    ready = true;
    retryMs = 1000;
    setStatus("");
    if (announceLanguage) {
      announceLanguage = false;
      say(strings.languageCommand);
    }
    for (const queued of outbox.splice(0)) socket.send(queued);
  } else if (message.type === "bot") {
    setStatus("");
    addMessage("bot", message.text);
  } else if (message.type === "error") {
    setStatus("");
    addMessage("notice", message.message);
    if (message.code === "GRID_WORKER_UNAVAILABLE") switchTo("resident");
  }
}

function transmit(message) {
  const raw = JSON.stringify(message);
  if (ready && socket?.readyState === WebSocket.OPEN) socket.send(raw);
  else outbox.push(raw);
  if (ready) setStatus(strings.waiting);
}

function say(content) {
  addMessage("me", content);
  transmit({ type: "say", text: content });
}

async function sendFile(file) {
  let blob = file;
  let name = file.name;
  if (file.size > limits.fileBytes && file.type.startsWith("image/")) {
    blob = await shrinkPhoto(file);
    name = `${name.replace(/\.[^.]*$/, "")}.jpg`;
  }
  if (!blob || blob.size > limits.fileBytes) {
    addMessage("notice", format(strings.fileTooLarge, { limitMb: limits.fileBytes / 1024 / 1024 }));
    return;
  }
  const base64 = await toBase64(blob);
  addMessage("me", format(strings.fileSent, { name }), blob.type.startsWith("image/") ? URL.createObjectURL(blob) : undefined);
  transmit({ type: "file", name, base64 });
}

async function shrinkPhoto(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, photoMaxSide / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  } catch {
    return null;
  }
}

function toBase64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).slice(String(reader.result).indexOf(",") + 1));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

function switchTo(role) {
  speakingAs = role;
  for (const input of document.querySelectorAll('input[name="as"]')) input.checked = input.value === role;
  lists.resident.hidden = role !== "resident";
  lists.grid.hidden = role !== "grid";
  $("#grid-hint").hidden = role !== "grid";
  showWelcome();
  if (socket?.readyState === WebSocket.OPEN) {
    ready = false;
    hello();
  }
}

$("#composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const content = text.value.trim();
  if (!content) return;
  text.value = "";
  say(content);
  text.focus();
});

text.addEventListener("keydown", (event) => {
  // Enter sends, Shift+Enter breaks the line; never while an input method is still composing Chinese.
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("#composer").requestSubmit();
  }
});

fileInput.addEventListener("change", () => {
  const [file] = fileInput.files;
  fileInput.value = "";
  if (file) void sendFile(file);
});

for (const input of document.querySelectorAll('input[name="as"]')) input.addEventListener("change", () => switchTo(input.value));

$("#language").addEventListener("click", async () => {
  language = language === "zh-CN" ? "en" : "zh-CN";
  store(storage.language, language);
  await loadStrings();
  // The bot keeps its own language per person; switch it too, and hear errors in the new language.
  announceLanguage = true;
  reconnect();
});

$("#start-over").addEventListener("click", () => {
  if (!confirm(strings.confirmStartOver)) return;
  store(storage.personId, null);
  lists.resident.replaceChildren();
  switchTo("resident");
});

await loadStrings();
showWelcome();
connect();
