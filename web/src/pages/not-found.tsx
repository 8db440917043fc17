import { Page } from '../components/page'
import { ROUTES } from '../routes'

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>
        The console has no page at this address. Start from the <a href={ROUTES.setup}>Setup guide</a> or pick a page in
        the menu.
      </p>
    </Page>
  )
}
