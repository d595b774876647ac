import { RemixBrowser } from "@remix-run/react";
import { startTransition, StrictMode } from "react";
import { hydrateRoot } from "react-dom/client";
import { ErrorRefContext, errorRefInDocument } from "./components/error-ref";
import { quietIcons } from "./components/quiet-icons";

quietIcons(document);

// An error page keeps the reference number the server printed (the same render on both sides).
const errorRef = errorRefInDocument();

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <ErrorRefContext.Provider value={errorRef}>
        <RemixBrowser />
      </ErrorRefContext.Provider>
    </StrictMode>,
  );
});
