/**
 * Where a form's problem shows, in words. It is always in the page, empty when all is well, so that
 * screen readers announce the words when they appear.
 */
export function Alert({ text }: { text: string | undefined }) {
  return (
    <div role="alert" class="alert">
      {text}
    </div>
  );
}
