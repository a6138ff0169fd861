import { createRoot } from "react-dom/client";
import { ConsoleApp } from "./console-app.tsx";
import "./i18n.ts";
import "./console.css";

createRoot(document.getElementById("root")!).render(<ConsoleApp />);
