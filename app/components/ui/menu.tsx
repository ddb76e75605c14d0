// Menus (the workspace switcher, the account menu, an app's "More actions") on the browser's own
// Popover API: the trigger opens it without JavaScript (popovertarget), a click outside or Escape
// closes it and focus returns to the trigger; opening focuses the first item, the arrow keys move
// between items, and Tab walks them and closes the menu on leaving it. It is a disclosure of links
// and buttons, not an ARIA menu, so nothing depends on script for screen readers either. Script
// places it under its trigger (through the CSSOM, which the Content-Security-Policy allows) and
// closes it after a choice. Much lighter than a positioning library, which mattered for the
// builder page's first-load budget.

import { Slot } from "@radix-ui/react-slot"
import {
  createContext,
  forwardRef,
  useContext,
  useEffect,
  useId,
  useRef,
  type ButtonHTMLAttributes,
  type HTMLAttributes,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from "react"
import { cn } from "./cn.ts"

// React 18 passes these attributes through but its types do not know them yet.
declare module "react" {
  interface HTMLAttributes<T> {
    popover?: "auto" | "manual"
    /** On a <button>: the id of the popover it opens and closes. */
    popovertarget?: string
  }
}

interface MenuState {
  readonly id: string
  readonly trigger: RefObject<HTMLButtonElement>
  readonly content: RefObject<HTMLDivElement>
}
const MenuContext = createContext<MenuState | null>(null)

function useMenu(): MenuState {
  const state = useContext(MenuContext)
  if (!state) throw new Error("Menu parts belong inside <Menu>")
  return state
}

export function Menu({ children }: { children: ReactNode }) {
  const id = `menu${useId().replace(/:/g, "")}`
  const trigger = useRef<HTMLButtonElement>(null)
  const content = useRef<HTMLDivElement>(null)
  return <MenuContext.Provider value={{ id, trigger, content }}>{children}</MenuContext.Provider>
}

/** The button that opens the menu; `asChild` to use a Button. */
export function MenuTrigger({ children }: { children: ReactNode }) {
  const { id, trigger } = useMenu()
  return (
    <Slot ref={trigger} popovertarget={id}>
      {children}
    </Slot>
  )
}

const GAP_PX = 6
const EDGE_PX = 8

/** Puts the open menu under its trigger, aligned to its start or end, kept inside the viewport. */
function place(content: HTMLElement, trigger: HTMLElement, align: "start" | "end") {
  const anchor = trigger.getBoundingClientRect()
  const width = content.offsetWidth
  const wanted = align === "end" ? anchor.right - width : anchor.left
  const left = Math.max(EDGE_PX, Math.min(wanted, window.innerWidth - width - EDGE_PX))
  content.style.setProperty("top", `${anchor.bottom + GAP_PX}px`)
  content.style.setProperty("left", `${left}px`)
}

const ITEM_SELECTOR = "[data-menu-item]:not([disabled])"

export function MenuContent({ align = "start", className, children, ...props }: HTMLAttributes<HTMLDivElement> & { align?: "start" | "end" }) {
  const { id, trigger, content } = useMenu()
  useEffect(() => {
    const element = content.current
    if (!element) return
    const onToggle = (event: Event) => {
      if ((event as ToggleEvent).newState !== "open" || !trigger.current) return
      place(element, trigger.current, align)
      // Arrow keys work at once; after a click the browser shows no focus ring for this.
      element.querySelector<HTMLElement>(ITEM_SELECTOR)?.focus()
    }
    // Tabbing past the last item (or away) closes the menu instead of leaving it over the page.
    const onFocusOut = (event: FocusEvent) => {
      const next = event.relatedTarget
      if (next instanceof Node && (element.contains(next) || trigger.current?.contains(next))) return
      if (next !== null && element.matches(":popover-open")) element.hidePopover()
    }
    element.addEventListener("toggle", onToggle)
    element.addEventListener("focusout", onFocusOut)
    return () => {
      element.removeEventListener("toggle", onToggle)
      element.removeEventListener("focusout", onFocusOut)
    }
  }, [align, content, trigger])

  const moveFocus = (event: KeyboardEvent<HTMLDivElement>) => {
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 }
    const step = steps[event.key]
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>(ITEM_SELECTOR)]
    if (items.length === 0) return
    if (step !== undefined) {
      event.preventDefault()
      const at = items.indexOf(document.activeElement as HTMLElement)
      items[(at + step + items.length) % items.length]!.focus()
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault()
      items[event.key === "Home" ? 0 : items.length - 1]!.focus()
    }
  }

  return (
    <div
      id={id}
      ref={content}
      popover="auto"
      onKeyDown={moveFocus}
      className={cn(
        "fixed inset-auto m-0 min-w-56 max-w-[calc(100vw-1rem)] rounded-lg border bg-popover p-1 text-popover-foreground shadow-md",
        className,
      )}
      {...props}
    >
      {children}
    </div>
  )
}

const item =
  "relative flex w-full cursor-pointer select-none items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm outline-none hover:bg-accent hover:text-accent-foreground focus-visible:bg-accent focus-visible:text-accent-foreground focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-ring disabled:pointer-events-none disabled:opacity-50 [&_svg]:size-4 [&_svg]:shrink-0 [&_svg]:text-muted-foreground"

interface ItemProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, "onSelect"> {
  /** Render the child (a Link, an <a>) as the item. */
  readonly asChild?: boolean
  /** What choosing the item does; the menu closes first. */
  readonly onSelect?: () => void
}

export const MenuItem = forwardRef<HTMLButtonElement, ItemProps>(({ asChild, onSelect, className, onClick, ...props }, ref) => {
  const { content } = useMenu()
  const Component = asChild ? Slot : "button"
  return (
    <Component
      ref={ref}
      data-menu-item=""
      {...(asChild ? {} : { type: "button" as const })}
      className={cn(item, className)}
      onClick={(event) => {
        onClick?.(event)
        content.current?.hidePopover()
        onSelect?.()
      }}
      {...props}
    />
  )
})
MenuItem.displayName = "MenuItem"

export function MenuLabel({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return <div className={cn("px-2 py-1.5 text-xs font-medium text-muted-foreground", className)} {...props} />
}

export function MenuSeparator({ className }: { className?: string }) {
  return <hr className={cn("-mx-1 my-1 border-border", className)} />
}
