(function(){
"use strict";
var errs=[];
window.addEventListener("error",function(e){errs.push(String(e.message));document.body.setAttribute("data-errors",errs.join("; "));});
function el(tag,attrs,text){var e=document.createElement(tag);if(attrs){for(var k in attrs){e.setAttribute(k,attrs[k]);}}if(text!==undefined&&text!==null){e.textContent=String(text);}return e;}
var data=JSON.parse(document.getElementById("ogi-data").textContent);
var layout=JSON.parse(document.getElementById("ogi-layout").textContent);
var L=JSON.parse(document.getElementById("ogi-labels").textContent);
var tbody=document.querySelector("#reports tbody");
var order=data.map(function(_,i){return i;});
var sortCol=0,sortDir=1;
var onlyU=document.getElementById("only-unreadable");
function key(r,c){switch(c){case 0:return r.r||1e9;case 1:return r.a;case 2:return r.y||0;case 3:return r.s===null?-1:r.s;case 4:return r.g;case 5:return r.e;case 6:return r.w;case 7:return r.n;default:return r.f;}}
function render(){
  var q=document.getElementById("filter").value.trim().toLowerCase();
  while(tbody.firstChild){tbody.removeChild(tbody.firstChild);}
  var frag=document.createDocumentFragment(),shown=0;
  order.forEach(function(i){
    var r=data[i];
    if(q&&(r.a+" "+r.f).toLowerCase().indexOf(q)<0){return;}
    if(onlyU.checked&&!r.x){return;}
    shown++;
    var tr=el("tr",r.x?{"data-i":i,"class":"unreadable","title":r.x}:{"data-i":i});
    (r.x?["",r.a,r.y===null?"":r.y,"—",L.unreadable,"","","",r.f]:[r.r||"",r.a,r.y===null?"":r.y,r.s===null?"—":r.s,r.g,r.e,r.w,r.n,r.f]).forEach(function(v){tr.appendChild(el("td",null,v));});
    tr.addEventListener("click",function(){show(i);});
    frag.appendChild(tr);
  });
  tbody.appendChild(frag);
  document.getElementById("shown").textContent=L.shown+" "+shown+" / "+data.length;
}
function sortBy(c){
  if(c===sortCol){sortDir=-sortDir;}else{sortCol=c;sortDir=1;}
  order.sort(function(a,b){var x=key(data[a],c),y=key(data[b],c);if(x<y){return -sortDir;}if(x>y){return sortDir;}return a-b;});
  render();
}
function show(i){
  var r=data[i],d=document.getElementById("detail");
  while(d.firstChild){d.removeChild(d.firstChild);}
  if(!r){return;}
  var h=el("h2",null,(r.a||r.f)+(r.y?" "+r.y:""));
  var close=el("button",{"type":"button"},L.close);
  close.addEventListener("click",function(){while(d.firstChild){d.removeChild(d.firstChild);}history.replaceState(null,"",location.pathname);});
  h.appendChild(document.createTextNode(" "));h.appendChild(close);
  d.appendChild(h);
  d.appendChild(el("p",{"class":r.x?"score unreadable":"score"},r.x?r.x:L.score+" "+(r.s===null?"—":r.s)+" "+r.g+(r.r?" · "+L.rank+" "+r.r:"")));
  d.appendChild(el("p",null,r.f));
  if(r.x){history.replaceState(null,"","#r="+(i+1));d.scrollIntoView();return;}
  if(r.o){d.appendChild(el("p",null,L.omitted));history.replaceState(null,"","#r="+(i+1));return;}
  d.appendChild(el("h3",null,L.findings));
  var ul=el("ul");
  if(r.fs.length===0){ul.appendChild(el("li",null,L.none));}
  var rv={};
  (r.rv||[]).forEach(function(v){rv[v.i]=v;});
  r.fs.forEach(function(f,j){
    var li=el("li",{"class":f[2]==="waived"?"waived":f[1]});
    li.appendChild(document.createTextNode(f[5]));li.appendChild(el("span",{"class":"rule"},"【"+f[0]+"】"));li.appendChild(document.createTextNode(f[3]));
    if(f[4]){li.appendChild(el("small",null," ["+f[4]+"]"));}
    var v=rv[j];
    if(v){
      var p=el("div",{"class":"verdict"});
      p.appendChild(el("span",{"class":"verdict-"+v.v},v.l));
      if(v.n){p.appendChild(document.createTextNode(" "+v.n));}
      li.appendChild(p);
    }
    ul.appendChild(li);
  });
  d.appendChild(ul);
  if(r.grid){
    var k=0,marks=r.grid.m||{},lg=el("p",{"class":"legend"},L.legend);
    [["bad",L.legend_bad],["review",L.legend_review],["cannot",L.legend_cannot]].forEach(function(x){lg.appendChild(el("span",{"class":"swatch "+x[0]}));lg.appendChild(document.createTextNode(x[1]+" "));});
    d.appendChild(lg);
    (layout[r.grid.t]||[]).forEach(function(t){
      var tb=el("table"),hr=el("tr");
      hr.appendChild(el("th",null,t.caption));
      t.cols.forEach(function(c){hr.appendChild(el("th",null,c[1]));});
      tb.appendChild(hr);
      t.rows.forEach(function(row){
        var tr=el("tr");tr.appendChild(el("td",{"class":"label"},row[1]));
        t.cols.forEach(function(c){
          var addr=t.prefix+"."+row[0]+"."+c[0],attrs={"title":t.caption+" “"+row[1]+"” “"+c[1]+"”"};
          if(marks[addr]){attrs["class"]=marks[addr];}
          var v=r.grid.c[k++];
          tr.appendChild(el("td",attrs,v===""?"—":v));
        });
        tb.appendChild(tr);
      });
      d.appendChild(tb);
    });
  }
  history.replaceState(null,"","#r="+(i+1));
  d.scrollIntoView();
}
document.querySelectorAll("#reports th").forEach(function(th){th.addEventListener("click",function(){sortBy(Number(th.getAttribute("data-col")));});});
document.getElementById("filter").addEventListener("input",render);
onlyU.addEventListener("change",render);
document.getElementById("tile-unreadable").addEventListener("click",function(){onlyU.checked=!onlyU.checked;render();document.getElementById("reports").scrollIntoView();});
if(location.hash==="#unreadable"){onlyU.checked=true;}
render();
var m=/^#r=(\d+)$/.exec(location.hash);
if(m){show(Number(m[1])-1);}
document.body.setAttribute("data-ready","1");
})();
