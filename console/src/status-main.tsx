import { createRoot } from "react-dom/client";
import { StatusApp } from "./status-app.tsx";
import "./i18n.ts";
import "./console.css";

createRoot(document.getElementById("root")!).render(<StatusApp />);
