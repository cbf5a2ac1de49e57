/** The widget's styles, scoped by its shadow root so neither the page nor the widget restyles the other. */
export const widgetStyles = `
:host { all: initial; }
.root { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; }
.bubble { width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer; background: #3b5bdb;
  color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.25); display: flex; align-items: center; justify-content: center;
  margin-left: auto; }
.bubble svg { width: 26px; height: 26px; fill: currentColor; }
.panel { width: 320px; height: 440px; margin-bottom: 12px; background: #fff; border-radius: 12px;
  box-shadow: 0 8px 28px rgba(0,0,0,.22); display: flex; flex-direction: column; overflow: hidden; }
.panel[hidden] { display: none; }
.header { background: #3b5bdb; color: #fff; padding: 12px 14px; font-weight: 600; display: flex;
  justify-content: space-between; align-items: center; }
.close { background: none; border: none; color: inherit; font-size: 20px; cursor: pointer; line-height: 1; }
.messages { flex: 1; overflow-y: auto; padding: 10px 12px; display: flex; flex-direction: column; gap: 6px;
  background: #f6f7f9; }
.status { color: #6e7781; font-size: 12px; text-align: center; padding: 6px; }
.desk { color: #8c959f; font-size: 12px; text-align: center; }
.msg { max-width: 80%; padding: 6px 10px; border-radius: 10px; background: #fff; border: 1px solid #e1e4e8;
  align-self: flex-start; white-space: pre-wrap; word-wrap: break-word; }
.msg.mine { align-self: flex-end; background: #3b5bdb; color: #fff; border-color: #3b5bdb; }
.msg.pending { opacity: .6; }
.sender { display: block; font-size: 11px; color: #6e7781; margin-bottom: 2px; }
.composer { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #e1e4e8; background: #fff; }
.composer input { flex: 1; padding: 8px 10px; border: 1px solid #d0d7de; border-radius: 8px; font: inherit; }
.composer button { padding: 8px 12px; border: none; border-radius: 8px; background: #3b5bdb; color: #fff;
  font: inherit; cursor: pointer; }
.composer button:disabled, .composer input:disabled { opacity: .5; cursor: default; }
`;
