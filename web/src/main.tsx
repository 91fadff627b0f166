// The dashboard's entry: one connection, in-page links, the app.
import { render } from "preact";
import { api } from "./api.js";
import { App } from "./app.js";
import { interceptLinks } from "./router.js";

api.connect();
interceptLinks();
render(<App />, document.getElementById("app")!);
